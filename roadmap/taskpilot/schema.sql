-- TaskPilot base schema: a multi-tenant issue tracker (organizations -> teams/projects -> issues).
--
-- This is the "before" picture the simulated team starts from, so it is meant to be clean:
-- UUID keys, timestamptz everywhere, jsonb for flexible data, every foreign key backed by an
-- index whose leading column is the referencing column, and names unique per tenant.
--
-- The caller creates the schema and the extensions (uuid-ossp, pg_trgm, btree_gin,
-- pg_stat_statements) in schema public and runs this file with
-- search_path = <scenario schema>, public; nothing here is schema-qualified.

-- ---------------------------------------------------------------------------
-- Enumerated types
-- ---------------------------------------------------------------------------

CREATE TYPE plan_type AS ENUM ('free', 'starter', 'pro', 'enterprise');

CREATE TYPE issue_status AS ENUM ('backlog', 'todo', 'in_progress', 'in_review', 'done', 'cancelled');

CREATE TYPE issue_priority AS ENUM ('none', 'low', 'medium', 'high', 'urgent');

CREATE TYPE project_status AS ENUM ('planned', 'active', 'paused', 'completed', 'archived');

CREATE TYPE team_role AS ENUM ('owner', 'admin', 'member', 'guest');

CREATE TYPE cycle_status AS ENUM ('upcoming', 'active', 'completed');

CREATE TYPE link_type AS ENUM ('blocks', 'relates_to', 'duplicates');

CREATE TYPE activity_action AS ENUM (
    'created', 'updated', 'deleted', 'archived', 'restored',
    'assigned', 'status_changed', 'commented', 'labeled', 'unlabeled'
);

CREATE TYPE notification_type AS ENUM (
    'issue_assigned', 'issue_mentioned', 'comment_added', 'issue_updated',
    'due_date_reminder', 'cycle_started', 'cycle_ending'
);

-- ---------------------------------------------------------------------------
-- Tenants and people
-- ---------------------------------------------------------------------------

-- A customer workspace; every other row belongs to exactly one organization.
CREATE TABLE organizations (
    id          UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    name        VARCHAR(100) NOT NULL,
    slug        VARCHAR(60)  NOT NULL,
    plan        plan_type    NOT NULL DEFAULT 'free',
    settings    JSONB        NOT NULL DEFAULT '{}'::jsonb,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    CONSTRAINT organizations_slug_key UNIQUE (slug)
);

CREATE TABLE users (
    id               UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    organization_id  UUID NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    email            VARCHAR(255) NOT NULL,
    name             VARCHAR(100) NOT NULL,
    avatar_url       TEXT,
    timezone         VARCHAR(50) NOT NULL DEFAULT 'UTC',
    is_active        BOOLEAN NOT NULL DEFAULT true,
    last_seen_at     TIMESTAMP WITH TIME ZONE,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    -- An address is unique within a workspace; the same person may belong to several.
    -- Leading organization_id also serves the foreign key.
    CONSTRAINT users_org_email_key UNIQUE (organization_id, email)
);

CREATE TABLE teams (
    id               UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    organization_id  UUID NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name             VARCHAR(100) NOT NULL,
    key              VARCHAR(10)  NOT NULL,
    description      TEXT,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    CONSTRAINT teams_org_key_key UNIQUE (organization_id, key)
);

CREATE TABLE team_members (
    team_id    UUID NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    user_id    UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    role       team_role NOT NULL DEFAULT 'member',
    joined_at  TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    PRIMARY KEY (team_id, user_id)
);

CREATE INDEX idx_team_members_user ON team_members(user_id);

-- ---------------------------------------------------------------------------
-- Planning: projects, cycles, labels
-- ---------------------------------------------------------------------------

CREATE TABLE projects (
    id               UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    organization_id  UUID NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    team_id          UUID REFERENCES teams(id) ON DELETE SET NULL,
    lead_id          UUID REFERENCES users(id) ON DELETE SET NULL,
    name             VARCHAR(100) NOT NULL,
    key              VARCHAR(10)  NOT NULL,
    description      TEXT,
    status           project_status NOT NULL DEFAULT 'active',
    -- Last issue number handed out in this project (issue keys read KEY-123).
    issue_counter    INTEGER NOT NULL DEFAULT 0,
    target_date      DATE,
    archived_at      TIMESTAMP WITH TIME ZONE,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    CONSTRAINT projects_org_key_key UNIQUE (organization_id, key)
);

CREATE INDEX idx_projects_team ON projects(team_id);
CREATE INDEX idx_projects_lead ON projects(lead_id);

-- Time-boxed iterations (sprints) of a team.
CREATE TABLE cycles (
    id          UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    team_id     UUID NOT NULL REFERENCES teams(id) ON DELETE CASCADE,
    number      INTEGER NOT NULL,
    name        VARCHAR(100),
    status      cycle_status NOT NULL DEFAULT 'upcoming',
    starts_on   DATE NOT NULL,
    ends_on     DATE NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    CONSTRAINT cycles_team_number_key UNIQUE (team_id, number),
    CONSTRAINT cycles_dates_check CHECK (ends_on >= starts_on)
);

CREATE TABLE labels (
    id               UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    organization_id  UUID NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    name             VARCHAR(50) NOT NULL,
    color            VARCHAR(7)  NOT NULL DEFAULT '#6b7280',
    description      TEXT,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    CONSTRAINT labels_org_name_key UNIQUE (organization_id, name)
);

-- ---------------------------------------------------------------------------
-- Issues and everything hanging off them
-- ---------------------------------------------------------------------------

CREATE TABLE issues (
    id               UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    -- Denormalized from the project so tenant-wide queries need no join.
    organization_id  UUID NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    project_id       UUID NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
    cycle_id         UUID REFERENCES cycles(id) ON DELETE SET NULL,
    parent_id        UUID REFERENCES issues(id) ON DELETE SET NULL,
    number           INTEGER NOT NULL,
    title            VARCHAR(500) NOT NULL,
    description      TEXT,
    status           issue_status   NOT NULL DEFAULT 'backlog',
    priority         issue_priority NOT NULL DEFAULT 'none',
    assignee_id      UUID REFERENCES users(id) ON DELETE SET NULL,
    creator_id       UUID NOT NULL REFERENCES users(id) ON DELETE RESTRICT,
    -- Story points.
    estimate         INTEGER,
    due_date         DATE,
    -- Fractional position for drag-and-drop ordering on boards.
    sort_order       DOUBLE PRECISION NOT NULL DEFAULT 0,
    comment_count    INTEGER NOT NULL DEFAULT 0,
    metadata         JSONB NOT NULL DEFAULT '{}'::jsonb,
    completed_at     TIMESTAMP WITH TIME ZONE,
    archived_at      TIMESTAMP WITH TIME ZONE,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    -- Issue numbers are per project; this index also serves the project_id foreign key.
    CONSTRAINT issues_project_number_key UNIQUE (project_id, number)
);

CREATE INDEX idx_issues_org_created ON issues(organization_id, created_at DESC);
CREATE INDEX idx_issues_cycle ON issues(cycle_id);
CREATE INDEX idx_issues_parent ON issues(parent_id);
CREATE INDEX idx_issues_assignee ON issues(assignee_id);
CREATE INDEX idx_issues_creator ON issues(creator_id);

CREATE TABLE issue_labels (
    issue_id    UUID NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
    label_id    UUID NOT NULL REFERENCES labels(id) ON DELETE CASCADE,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    PRIMARY KEY (issue_id, label_id)
);

CREATE INDEX idx_issue_labels_label ON issue_labels(label_id);

CREATE TABLE issue_links (
    id               UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    source_issue_id  UUID NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
    target_issue_id  UUID NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
    link_type        link_type NOT NULL,
    created_by       UUID REFERENCES users(id) ON DELETE SET NULL,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    CONSTRAINT issue_links_unique UNIQUE (source_issue_id, target_issue_id, link_type),
    CONSTRAINT issue_links_not_self CHECK (source_issue_id <> target_issue_id)
);

CREATE INDEX idx_issue_links_target ON issue_links(target_issue_id);
CREATE INDEX idx_issue_links_created_by ON issue_links(created_by);

CREATE TABLE comments (
    id          UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    issue_id    UUID NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
    author_id   UUID NOT NULL REFERENCES users(id) ON DELETE RESTRICT,
    -- Threaded replies.
    parent_id   UUID REFERENCES comments(id) ON DELETE CASCADE,
    body        TEXT NOT NULL,
    edited_at   TIMESTAMP WITH TIME ZONE,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW()
);

CREATE INDEX idx_comments_issue_created ON comments(issue_id, created_at);
CREATE INDEX idx_comments_author ON comments(author_id);
CREATE INDEX idx_comments_parent ON comments(parent_id);

CREATE TABLE attachments (
    id            UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    issue_id      UUID NOT NULL REFERENCES issues(id) ON DELETE CASCADE,
    comment_id    UUID REFERENCES comments(id) ON DELETE SET NULL,
    uploaded_by   UUID NOT NULL REFERENCES users(id) ON DELETE RESTRICT,
    file_name     VARCHAR(255) NOT NULL,
    content_type  VARCHAR(100) NOT NULL,
    size_bytes    BIGINT NOT NULL CHECK (size_bytes >= 0),
    storage_key   VARCHAR(500) NOT NULL,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW()
);

CREATE INDEX idx_attachments_issue ON attachments(issue_id);
CREATE INDEX idx_attachments_comment ON attachments(comment_id);
CREATE INDEX idx_attachments_uploaded_by ON attachments(uploaded_by);

-- ---------------------------------------------------------------------------
-- Audit trail and notifications
-- ---------------------------------------------------------------------------

-- Append-only audit trail. Only the tenant is a foreign key: entries must outlive the
-- projects, issues and users they describe, so those ids are kept as plain values.
CREATE TABLE activity_log (
    id               UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    organization_id  UUID NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    project_id       UUID,
    issue_id         UUID,
    user_id          UUID,
    action           activity_action NOT NULL,
    entity_type      VARCHAR(50) NOT NULL,
    entity_id        UUID NOT NULL,
    changes          JSONB,
    ip_address       INET,
    user_agent       TEXT,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW()
);

CREATE INDEX idx_activity_log_org_created ON activity_log(organization_id, created_at DESC);
CREATE INDEX idx_activity_log_issue_created ON activity_log(issue_id, created_at DESC);

CREATE TABLE notifications (
    id          UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    user_id     UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    type        notification_type NOT NULL,
    title       VARCHAR(200) NOT NULL,
    body        TEXT,
    issue_id    UUID REFERENCES issues(id) ON DELETE CASCADE,
    actor_id    UUID REFERENCES users(id) ON DELETE SET NULL,
    read_at     TIMESTAMP WITH TIME ZONE,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW()
);

-- The inbox: a user's notifications, newest first.
CREATE INDEX idx_notifications_user_created ON notifications(user_id, created_at DESC);
CREATE INDEX idx_notifications_issue ON notifications(issue_id);
CREATE INDEX idx_notifications_actor ON notifications(actor_id);

-- ---------------------------------------------------------------------------
-- Integrations: outgoing webhooks and API tokens
-- ---------------------------------------------------------------------------

CREATE TABLE webhooks (
    id               UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    organization_id  UUID NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    project_id       UUID REFERENCES projects(id) ON DELETE CASCADE,
    created_by       UUID REFERENCES users(id) ON DELETE SET NULL,
    url              TEXT NOT NULL,
    secret           VARCHAR(64) NOT NULL,
    events           TEXT[] NOT NULL DEFAULT '{}',
    is_active        BOOLEAN NOT NULL DEFAULT true,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW(),
    updated_at       TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW()
);

CREATE INDEX idx_webhooks_org ON webhooks(organization_id);
CREATE INDEX idx_webhooks_project ON webhooks(project_id);
CREATE INDEX idx_webhooks_created_by ON webhooks(created_by);

CREATE TABLE api_tokens (
    id               UUID PRIMARY KEY DEFAULT uuid_generate_v4(),
    organization_id  UUID NOT NULL REFERENCES organizations(id) ON DELETE CASCADE,
    user_id          UUID NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    name             VARCHAR(100) NOT NULL,
    -- SHA-256 of the token; the token itself is never stored. Tokens are random 256-bit
    -- values, so the hash needs a lookup index, not a (global) uniqueness rule.
    token_hash       CHAR(64) NOT NULL,
    scopes           TEXT[] NOT NULL DEFAULT '{}',
    last_used_at     TIMESTAMP WITH TIME ZONE,
    expires_at       TIMESTAMP WITH TIME ZONE,
    revoked_at       TIMESTAMP WITH TIME ZONE,
    created_at       TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT NOW()
);

CREATE INDEX idx_api_tokens_token_hash ON api_tokens(token_hash);
CREATE INDEX idx_api_tokens_org ON api_tokens(organization_id);
CREATE INDEX idx_api_tokens_user ON api_tokens(user_id);
