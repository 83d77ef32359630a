// A small slice of the TaskPilot base schema for rule cases (rules/*.cases.ts): the tables the
// seed roadmap's migrations reference, with a few rows so lock and rewrite hazards have
// something to scan. Run as superuser in the case's schema (search_path = <schema>, public).
export const TASKPILOT_MINI = `
CREATE TYPE issue_status AS ENUM ('backlog', 'todo', 'in_progress', 'in_review', 'done', 'cancelled');
CREATE TYPE issue_priority AS ENUM ('none', 'low', 'medium', 'high', 'urgent');
CREATE TYPE notification_type AS ENUM ('issue_assigned', 'issue_mentioned', 'comment_added');

CREATE TABLE organizations (
  id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
  name VARCHAR(100) NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW()
);
CREATE TABLE users (
  id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
  organization_id UUID NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  email VARCHAR(255) NOT NULL,
  name VARCHAR(100) NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
  CONSTRAINT users_org_email_key UNIQUE (organization_id, email)
);
CREATE TABLE projects (
  id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
  organization_id UUID NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  name VARCHAR(100) NOT NULL,
  key VARCHAR(10) NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
  CONSTRAINT projects_org_key_key UNIQUE (organization_id, key)
);
CREATE TABLE issues (
  id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
  organization_id UUID NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
  project_id UUID NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  number INTEGER NOT NULL,
  title VARCHAR(500) NOT NULL,
  description TEXT,
  status issue_status NOT NULL DEFAULT 'backlog',
  priority issue_priority NOT NULL DEFAULT 'none',
  assignee_id UUID REFERENCES users(id) ON DELETE SET NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
  updated_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
  CONSTRAINT issues_project_number_key UNIQUE (project_id, number)
);
CREATE INDEX idx_issues_org_created ON issues(organization_id, created_at DESC);
CREATE INDEX idx_issues_assignee ON issues(assignee_id);
CREATE TABLE comments (
  id UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
  issue_id UUID NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
  author_id UUID NOT NULL REFERENCES users(id) ON DELETE RESTRICT,
  body TEXT NOT NULL,
  created_at TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW()
);
CREATE INDEX idx_comments_issue ON comments(issue_id, created_at);
CREATE INDEX idx_comments_author ON comments(author_id);

INSERT INTO organizations (id, name) VALUES ('00000000-0000-0000-0000-000000000001', 'Acme');
INSERT INTO users (id, organization_id, email, name)
  SELECT ('00000000-0000-0000-0001-' || lpad(g::text, 12, '0'))::uuid, '00000000-0000-0000-0000-000000000001', 'u' || g || '@acme.test', 'User ' || g
  FROM generate_series(1, 5) g;
INSERT INTO projects (id, organization_id, name, key) VALUES ('00000000-0000-0000-0002-000000000001', '00000000-0000-0000-0000-000000000001', 'Core', 'CORE');
INSERT INTO issues (organization_id, project_id, number, title, description)
  SELECT '00000000-0000-0000-0000-000000000001', '00000000-0000-0000-0002-000000000001', g, 'Issue ' || g, 'Description ' || g
  FROM generate_series(1, 40) g;
INSERT INTO comments (issue_id, author_id, body)
  SELECT i.id, '00000000-0000-0000-0001-000000000001', 'Comment on ' || i.title FROM issues i;
`;
