-- TaskPilot seed data, generated inside Postgres.
--
-- Deterministic: the random stream is seeded, parallel plans are off (a worker would
-- draw from its own stream), every random() call happens in a plain scan of
-- generate_series or of a temp table filled the same way, and row ids are derived
-- from the row's ordinal with md5(), never from uuid_generate_v4(). Timestamps are
-- written with an explicit UTC offset and "now" is pinned to 2025-01-31, so the
-- session time zone and the wall clock do not change the data.
--
-- Volume: multiply every count below by the scale factor, which the caller sets with
-- SET schemacrew.scale = N (defaults to 1 when unset).

SELECT setseed(0.42);
SET max_parallel_workers_per_gather = 0;

CREATE TEMP TABLE _p ON COMMIT PRESERVE ROWS AS
SELECT
    s,
    20 * s    AS n_org,
    15        AS users_per_org,
    300 * s   AS n_user,
    2         AS teams_per_org,       -- one project per team
    40 * s    AS n_team,
    8         AS labels_per_org,
    5000 * s  AS n_issue,
    15000 * s AS n_comment,
    1500 * s  AS n_attachment,
    1000 * s  AS n_link,
    20000 * s AS n_activity,
    10000 * s AS n_notification,
    30 * s    AS n_webhook,
    100 * s   AS n_token,
    TIMESTAMP WITH TIME ZONE '2024-01-01 00:00:00+00' AS t0,
    TIMESTAMP WITH TIME ZONE '2025-02-01 00:00:00+00' AS t1
FROM (SELECT GREATEST(1, COALESCE(NULLIF(current_setting('schemacrew.scale', true), ''), '1')::int) AS s) x;

-- Word lists used to make text look like an issue tracker's.
CREATE TEMP TABLE _w ON COMMIT PRESERVE ROWS AS
SELECT
    ARRAY['Acme', 'Globex', 'Initech', 'Umbrella', 'Stark', 'Wayne', 'Hooli', 'Pied Piper',
          'Vandelay', 'Soylent', 'Tyrell', 'Cyberdyne', 'Wonka', 'Gringotts', 'Oscorp',
          'Aperture', 'Black Mesa', 'Monarch', 'Massive Dynamic', 'Duff'] AS org_names,
    ARRAY['Ada', 'Ben', 'Chloe', 'Dev', 'Elena', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jonas',
          'Kemi', 'Liam', 'Maya', 'Noor', 'Omar', 'Priya', 'Quinn', 'Rosa', 'Sven', 'Tariq',
          'Uma', 'Victor', 'Wen', 'Ximena', 'Yusuf', 'Zoe'] AS first_names,
    ARRAY['Abbott', 'Baker', 'Chen', 'Diaz', 'Eriksen', 'Fischer', 'Garcia', 'Haddad',
          'Ivanova', 'Jones', 'Kowalski', 'Lopez', 'Mensah', 'Nakamura', 'Okafor', 'Patel',
          'Rossi', 'Schmidt', 'Tanaka', 'Usman', 'Varga', 'Weber', 'Yilmaz', 'Zhang'] AS last_names,
    ARRAY['UTC', 'Europe/Berlin', 'Europe/London', 'America/New_York', 'America/Los_Angeles',
          'Asia/Tokyo', 'Asia/Kolkata', 'Australia/Sydney'] AS timezones,
    ARRAY['Platform', 'Growth', 'Mobile', 'Payments', 'Infra', 'Design', 'Data', 'Support'] AS team_names,
    ARRAY['bug', 'feature', 'improvement', 'tech-debt', 'security', 'performance', 'ux', 'docs'] AS label_names,
    ARRAY['#ef4444', '#3b82f6', '#22c55e', '#a855f7', '#f97316', '#eab308', '#14b8a6', '#6b7280'] AS label_colors,
    ARRAY['Fix', 'Add', 'Improve', 'Refactor', 'Investigate', 'Remove', 'Update', 'Support',
          'Document', 'Speed up'] AS verbs,
    ARRAY['login flow', 'billing page', 'search results', 'notification emails', 'CSV export',
          'issue board', 'webhook retries', 'API pagination', 'dark mode', 'mobile layout',
          'SSO settings', 'audit log view', 'onboarding checklist', 'sprint report',
          'label picker', 'file uploads', 'rate limiter', 'dashboard charts'] AS objects,
    ARRAY['on Safari', 'for large workspaces', 'after the last release', 'for guests',
          'behind the feature flag', 'in the EU region', 'when offline', ''] AS contexts,
    ARRAY['Steps to reproduce are in the linked ticket.', 'Customer reported this twice this week.',
          'We should agree on the approach before starting.', 'Blocked until the API change ships.',
          'Low risk, but touches the billing code.', 'Screenshots attached.',
          'This regressed after the migration to the new renderer.',
          'Acceptance: works for workspaces with more than 10k issues.'] AS sentences,
    ARRAY['Looks good to me.', 'Can you add a test for the empty case?', 'I can take this one.',
          'Reproduced locally, working on a fix.', 'Moved to the next cycle.',
          'Deployed to staging, please verify.', 'Is this still relevant?',
          'Duplicate of an older report, linking them.', 'Customer confirmed the fix.',
          'Needs design input first.', 'Pairing on this tomorrow.',
          'Bumping priority, three more reports today.'] AS comment_phrases,
    ARRAY['Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 Safari/605.1.15',
          'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/121.0 Safari/537.36',
          'Mozilla/5.0 (X11; Linux x86_64; rv:122.0) Gecko/20100101 Firefox/122.0',
          'TaskPilot-iOS/3.4.1', 'TaskPilot-Android/3.4.0', 'taskpilot-cli/1.2.0',
          'python-requests/2.31.0'] AS user_agents;

-- ---------------------------------------------------------------------------
-- Organizations, users, teams, projects, cycles, labels
-- ---------------------------------------------------------------------------

INSERT INTO organizations (id, name, slug, plan, settings, created_at, updated_at)
SELECT
    md5('org:' || o)::uuid,
    w.org_names[1 + (o - 1) % 20] || CASE WHEN o > 20 THEN ' ' || ((o - 1) / 20 + 1) ELSE '' END,
    lower(replace(w.org_names[1 + (o - 1) % 20], ' ', '-')) || '-' || o,
    (ARRAY['free', 'starter', 'pro', 'enterprise']::plan_type[])[1 + (o - 1) % 4],
    jsonb_build_object('issue_prefix', 'T' || o, 'week_starts_on', CASE WHEN o % 3 = 0 THEN 'sunday' ELSE 'monday' END),
    p.t0 - make_interval(days => 400 - o * 7),
    p.t0 - make_interval(days => 10)
FROM _p p, _w w, generate_series(1, p.n_org) o;

CREATE TEMP TABLE _u ON COMMIT PRESERVE ROWS AS
SELECT u, random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5
FROM _p p, generate_series(1, p.n_user) u;

INSERT INTO users (id, organization_id, email, name, avatar_url, timezone, is_active,
                   last_seen_at, created_at, updated_at)
SELECT
    md5('user:' || u)::uuid,
    md5('org:' || (1 + (u - 1) % p.n_org))::uuid,
    lower(w.first_names[1 + floor(r1 * 26)::int] || '.' || w.last_names[1 + floor(r2 * 24)::int])
        || u || '@' || lower(replace(w.org_names[1 + ((u - 1) % p.n_org) % 20], ' ', '')) || '.example',
    w.first_names[1 + floor(r1 * 26)::int] || ' ' || w.last_names[1 + floor(r2 * 24)::int],
    CASE WHEN r3 < 0.7 THEN 'https://avatars.example.com/' || md5('avatar:' || u) || '.png' END,
    w.timezones[1 + floor(r4 * 8)::int],
    r5 > 0.05,
    p.t1 - make_interval(secs => r3 * 86400 * 30),
    p.t0 - make_interval(days => 90) + make_interval(secs => r5 * 86400 * 200),
    p.t0 + make_interval(secs => r4 * 86400 * 300)
FROM _u, _p p, _w w;

INSERT INTO teams (id, organization_id, name, key, description, created_at, updated_at)
SELECT
    md5('team:' || t)::uuid,
    md5('org:' || (1 + (t - 1) % p.n_org))::uuid,
    w.team_names[1 + (t - 1) % 8],
    upper(left(w.team_names[1 + (t - 1) % 8], 3)) || ((t - 1) / p.n_org + 1),
    'The ' || w.team_names[1 + (t - 1) % 8] || ' team',
    p.t0 - make_interval(days => 60),
    p.t0 - make_interval(days => 60)
FROM _p p, _w w, generate_series(1, p.n_team) t;

-- Every user is in one team of their organization; about a fifth are in both.
INSERT INTO team_members (team_id, user_id, role, joined_at)
SELECT
    md5('team:' || (((u - 1) % p.n_org) + 1 + p.n_org * (((u - 1) / p.n_org) % 2)))::uuid,
    md5('user:' || u)::uuid,
    CASE WHEN (u - 1) / p.n_org < 2 THEN 'owner'
         WHEN r1 < 0.15 THEN 'admin'
         WHEN r1 > 0.95 THEN 'guest'
         ELSE 'member' END::team_role,
    p.t0 - make_interval(days => 30) + make_interval(secs => r2 * 86400 * 20)
FROM _u, _p p
UNION ALL
SELECT
    md5('team:' || (((u - 1) % p.n_org) + 1 + p.n_org * (1 - ((u - 1) / p.n_org) % 2)))::uuid,
    md5('user:' || u)::uuid,
    'member'::team_role,
    p.t0 + make_interval(secs => r3 * 86400 * 200)
FROM _u, _p p
WHERE r4 < 0.2 AND (u - 1) / p.n_org >= 2;

-- One project per team: project p belongs to team p and to that team's organization.
INSERT INTO projects (id, organization_id, team_id, lead_id, name, key, description, status,
                      target_date, created_at, updated_at)
SELECT
    md5('project:' || pr)::uuid,
    md5('org:' || (1 + (pr - 1) % p.n_org))::uuid,
    md5('team:' || pr)::uuid,
    md5('user:' || pr)::uuid,  -- user pr is in the project's organization
    w.team_names[1 + (pr - 1) % 8] || ' ' || (ARRAY['Roadmap', 'Core', 'Launch', 'Maintenance'])[1 + (pr - 1) % 4],
    upper(left(w.team_names[1 + (pr - 1) % 8], 2)) || pr,
    'Work tracked by the ' || w.team_names[1 + (pr - 1) % 8] || ' team.',
    CASE WHEN pr % 10 = 0 THEN 'paused' WHEN pr % 13 = 0 THEN 'completed' ELSE 'active' END::project_status,
    DATE '2025-03-01' + (pr % 90),
    p.t0 - make_interval(days => 30),
    p.t0 - make_interval(days => 30)
FROM _p p, _w w, generate_series(1, p.n_team) pr;

-- Six two-week cycles per team, the last ones around the pinned "now" (2025-01-31).
INSERT INTO cycles (id, team_id, number, name, status, starts_on, ends_on, created_at)
SELECT
    md5('cycle:' || t || ':' || n)::uuid,
    md5('team:' || t)::uuid,
    n,
    'Cycle ' || n,
    CASE WHEN DATE '2024-11-11' + 14 * (n - 1) + 13 < DATE '2025-01-31' THEN 'completed'
         WHEN DATE '2024-11-11' + 14 * (n - 1) <= DATE '2025-01-31' THEN 'active'
         ELSE 'upcoming' END::cycle_status,
    DATE '2024-11-11' + 14 * (n - 1),
    DATE '2024-11-11' + 14 * (n - 1) + 13,
    TIMESTAMP WITH TIME ZONE '2024-11-01 09:00:00+00'
FROM _p p, generate_series(1, p.n_team) t, generate_series(1, 6) n;

INSERT INTO labels (id, organization_id, name, color, description, created_at)
SELECT
    md5('label:' || o || ':' || j)::uuid,
    md5('org:' || o)::uuid,
    w.label_names[j],
    w.label_colors[j],
    CASE WHEN j <= 4 THEN 'Default label' END,
    p.t0 - make_interval(days => 30)
FROM _p p, _w w, generate_series(1, p.n_org) o, generate_series(1, 8) j;

-- ---------------------------------------------------------------------------
-- Issues
-- ---------------------------------------------------------------------------

CREATE TEMP TABLE _ir ON COMMIT PRESERVE ROWS AS
SELECT i, random() AS r_proj, random() AS r_status, random() AS r_prio, random() AS r_est,
       random() AS r_due, random() AS r_title1, random() AS r_title2, random() AS r_title3,
       random() AS r_desc, random() AS r_assignee, random() AS r_creator, random() AS r_cycle,
       random() AS r_created, random() AS r_done, random() AS r_archive, random() AS r_sort,
       random() AS r_meta, random() AS r_parent
FROM _p p, generate_series(1, p.n_issue) i;

-- Busy projects get more issues than quiet ones (skewed pick), numbers count up per project.
CREATE TEMP TABLE _i ON COMMIT PRESERVE ROWS AS
SELECT x.*,
       row_number() OVER (PARTITION BY x.proj ORDER BY x.created_at, x.i) AS number,
       lag(x.i) OVER (PARTITION BY x.proj ORDER BY x.created_at, x.i) AS prev_i
FROM (
    SELECT r.*,
           1 + LEAST(p.n_team - 1, floor(p.n_team * power(r.r_proj, 1.4))::int) AS proj,
           p.t0 + make_interval(secs => r.r_created * 86400 * 390) AS created_at
    FROM _ir r, _p p
) x;

ALTER TABLE _i ADD COLUMN org int;
UPDATE _i SET org = 1 + (proj - 1) % (SELECT n_org FROM _p);

INSERT INTO issues (id, organization_id, project_id, cycle_id, parent_id, number, title,
                    description, status, priority, assignee_id, creator_id, estimate, due_date,
                    sort_order, comment_count, metadata, completed_at, archived_at,
                    created_at, updated_at)
SELECT
    md5('issue:' || i)::uuid,
    md5('org:' || org)::uuid,
    md5('project:' || proj)::uuid,
    CASE WHEN r_cycle < 0.5 THEN md5('cycle:' || proj || ':' || (1 + floor(r_cycle * 12)::int))::uuid END,
    CASE WHEN r_parent < 0.08 AND prev_i IS NOT NULL THEN md5('issue:' || prev_i)::uuid END,
    number,
    w.verbs[1 + floor(r_title1 * 10)::int] || ' ' || w.objects[1 + floor(r_title2 * 18)::int]
        || CASE WHEN w.contexts[1 + floor(r_title3 * 8)::int] = '' THEN ''
                ELSE ' ' || w.contexts[1 + floor(r_title3 * 8)::int] END,
    CASE WHEN r_desc < 0.15 THEN NULL
         ELSE w.sentences[1 + floor(r_desc * 8)::int] || ' '
              || repeat(w.sentences[1 + floor(r_title2 * 8)::int] || ' ', 1 + floor(r_desc * 4)::int) END,
    st.status,
    CASE WHEN r_prio < 0.20 THEN 'none' WHEN r_prio < 0.45 THEN 'low' WHEN r_prio < 0.75 THEN 'medium'
         WHEN r_prio < 0.93 THEN 'high' ELSE 'urgent' END::issue_priority,
    CASE WHEN r_assignee < 0.8 THEN md5('user:' || (org + p.n_org * floor(r_assignee / 0.8 * 15)::int))::uuid END,
    md5('user:' || (org + p.n_org * floor(r_creator * 15)::int))::uuid,
    CASE WHEN r_est < 0.3 THEN NULL ELSE (ARRAY[1, 2, 3, 5, 8, 13])[1 + floor((r_est - 0.3) / 0.7 * 6)::int] END,
    CASE WHEN r_due < 0.4 THEN (created_at AT TIME ZONE 'UTC')::date + 7 + floor(r_due * 130)::int END,
    round((r_sort * 100000)::numeric, 3)::double precision,
    0,
    jsonb_build_object('source', (ARRAY['web', 'api', 'email', 'slack'])[1 + floor(r_meta * 4)::int])
        || CASE WHEN r_meta > 0.85 THEN jsonb_build_object('customer', 'cust-' || floor(r_meta * 1000)::int) ELSE '{}'::jsonb END,
    CASE WHEN st.status IN ('done', 'cancelled')
         THEN created_at + (p.t1 - interval '1 hour' - created_at) * r_done END,
    CASE WHEN st.status IN ('done', 'cancelled') AND r_archive < 0.12
         THEN created_at + (p.t1 - interval '1 hour' - created_at) * (r_done + (1 - r_done) * 0.5) END,
    created_at,
    created_at + (p.t1 - interval '1 hour' - created_at) * r_done
FROM _i, _p p, _w w,
     LATERAL (SELECT CASE WHEN r_status < 0.15 THEN 'backlog' WHEN r_status < 0.35 THEN 'todo'
                          WHEN r_status < 0.50 THEN 'in_progress' WHEN r_status < 0.58 THEN 'in_review'
                          WHEN r_status < 0.95 THEN 'done' ELSE 'cancelled' END::issue_status AS status) st;

UPDATE projects pr SET issue_counter = c.n
FROM (SELECT proj, max(number) AS n FROM _i GROUP BY proj) c
WHERE pr.id = md5('project:' || c.proj)::uuid;

-- Zero to three labels per issue, from the issue's organization.
CREATE TEMP TABLE _lr ON COMMIT PRESERVE ROWS AS
SELECT i, k, random() AS r1, random() AS r2
FROM _p p, generate_series(1, p.n_issue) i, generate_series(1, 3) k;

INSERT INTO issue_labels (issue_id, label_id, created_at)
SELECT md5('issue:' || l.i)::uuid,
       md5('label:' || ii.org || ':' || (1 + floor(l.r2 * 8)::int))::uuid,
       ii.created_at + interval '5 minutes'
FROM _lr l JOIN _i ii ON ii.i = l.i
WHERE l.r1 < (CASE l.k WHEN 1 THEN 0.75 WHEN 2 THEN 0.45 ELSE 0.2 END)
ON CONFLICT DO NOTHING;

-- Links stay inside one project.
CREATE TEMP TABLE _kr ON COMMIT PRESERVE ROWS AS
SELECT n, random() AS r_src, random() AS r_dst, random() AS r_type, random() AS r_user
FROM _p p, generate_series(1, p.n_link) n;

INSERT INTO issue_links (id, source_issue_id, target_issue_id, link_type, created_by, created_at)
SELECT md5('link:' || k.n)::uuid,
       md5('issue:' || s.i)::uuid,
       md5('issue:' || d.i)::uuid,
       (ARRAY['blocks', 'relates_to', 'relates_to', 'duplicates']::link_type[])[1 + floor(k.r_type * 4)::int],
       md5('user:' || (s.org + p.n_org * floor(k.r_user * 15)::int))::uuid,
       GREATEST(s.created_at, d.created_at) + interval '1 hour'
FROM _kr k
CROSS JOIN _p p
JOIN _i s ON s.i = 1 + floor(k.r_src * p.n_issue)::int
JOIN (SELECT proj, max(number) AS n FROM _i GROUP BY proj) c ON c.proj = s.proj
JOIN _i d ON d.proj = s.proj AND d.number = 1 + floor(k.r_dst * c.n)::int
WHERE d.i <> s.i
ON CONFLICT DO NOTHING;

-- ---------------------------------------------------------------------------
-- Comments and attachments
-- ---------------------------------------------------------------------------

CREATE TEMP TABLE _cr ON COMMIT PRESERVE ROWS AS
SELECT c, random() AS r_issue, random() AS r_author, random() AS r_body1, random() AS r_body2,
       random() AS r_time, random() AS r_reply, random() AS r_edit
FROM _p p, generate_series(1, p.n_comment) c;

CREATE TEMP TABLE _c ON COMMIT PRESERVE ROWS AS
SELECT x.*,
       lag(x.c) OVER (PARTITION BY x.i ORDER BY x.created_at, x.c) AS prev_c
FROM (
    SELECT cr.*, ii.i, ii.org,
           ii.created_at + (p.t1 - interval '1 hour' - ii.created_at) * cr.r_time AS created_at
    FROM _cr cr
    CROSS JOIN _p p
    -- Skewed: a few issues collect long threads.
    JOIN _i ii ON ii.i = 1 + LEAST(p.n_issue - 1, floor(p.n_issue * power(cr.r_issue, 1.6))::int)
) x;

INSERT INTO comments (id, issue_id, author_id, parent_id, body, edited_at, created_at, updated_at)
SELECT md5('comment:' || c)::uuid,
       md5('issue:' || i)::uuid,
       md5('user:' || (org + p.n_org * floor(r_author * 15)::int))::uuid,
       CASE WHEN r_reply < 0.15 AND prev_c IS NOT NULL THEN md5('comment:' || prev_c)::uuid END,
       w.comment_phrases[1 + floor(r_body1 * 12)::int]
           || CASE WHEN r_body2 < 0.4 THEN ' ' || w.sentences[1 + floor(r_body2 / 0.4 * 8)::int] ELSE '' END,
       CASE WHEN r_edit < 0.1 THEN created_at + interval '10 minutes' END,
       created_at,
       CASE WHEN r_edit < 0.1 THEN created_at + interval '10 minutes' ELSE created_at END
FROM _c, _p p, _w w;

UPDATE issues i SET comment_count = c.n
FROM (SELECT issue_id, count(*)::int AS n FROM comments GROUP BY issue_id) c
WHERE i.id = c.issue_id;

CREATE TEMP TABLE _ar ON COMMIT PRESERVE ROWS AS
SELECT a, random() AS r_issue, random() AS r_user, random() AS r_kind, random() AS r_size,
       random() AS r_time
FROM _p p, generate_series(1, p.n_attachment) a;

INSERT INTO attachments (id, issue_id, comment_id, uploaded_by, file_name, content_type,
                         size_bytes, storage_key, created_at)
SELECT md5('attachment:' || a)::uuid,
       md5('issue:' || ii.i)::uuid,
       NULL,
       md5('user:' || (ii.org + p.n_org * floor(ar.r_user * 15)::int))::uuid,
       f.name,
       f.ctype,
       (1024 + floor(power(ar.r_size, 3) * 20000000))::bigint,
       'org-' || ii.org || '/issues/' || ii.i || '/' || md5('attachment:' || a) || '/' || f.name,
       ii.created_at + (p.t1 - interval '1 hour' - ii.created_at) * ar.r_time
FROM _ar ar
CROSS JOIN _p p
JOIN _i ii ON ii.i = 1 + floor(ar.r_issue * p.n_issue)::int
CROSS JOIN LATERAL (
    SELECT (ARRAY['screenshot.png', 'trace.log', 'spec.pdf', 'export.csv', 'recording.mp4'])[1 + floor(ar.r_kind * 5)::int] AS name,
           (ARRAY['image/png', 'text/plain', 'application/pdf', 'text/csv', 'video/mp4'])[1 + floor(ar.r_kind * 5)::int] AS ctype
) f;

-- ---------------------------------------------------------------------------
-- Audit trail (spread over 2024-01-01 .. 2025-01-31) and notifications
-- ---------------------------------------------------------------------------

CREATE TEMP TABLE _actr ON COMMIT PRESERVE ROWS AS
SELECT n, random() AS r_issue, random() AS r_user, random() AS r_action, random() AS r_time,
       random() AS r_ip1, random() AS r_ip2, random() AS r_ua, random() AS r_val
FROM _p p, generate_series(1, p.n_activity) n;

INSERT INTO activity_log (id, organization_id, project_id, issue_id, user_id, action, entity_type,
                          entity_id, changes, ip_address, user_agent, created_at)
SELECT md5('activity:' || n)::uuid,
       md5('org:' || ii.org)::uuid,
       md5('project:' || ii.proj)::uuid,
       md5('issue:' || ii.i)::uuid,
       md5('user:' || (ii.org + p.n_org * floor(ar.r_user * 15)::int))::uuid,
       act.action,
       CASE WHEN act.action = 'commented' THEN 'comment' ELSE 'issue' END,
       CASE WHEN act.action = 'commented' THEN md5('comment-ref:' || n)::uuid ELSE md5('issue:' || ii.i)::uuid END,
       CASE act.action
           WHEN 'status_changed' THEN jsonb_build_object('status', jsonb_build_object(
               'from', (ARRAY['backlog', 'todo', 'in_progress', 'in_review'])[1 + floor(ar.r_val * 4)::int],
               'to', (ARRAY['todo', 'in_progress', 'in_review', 'done'])[1 + floor(ar.r_val * 4)::int]))
           WHEN 'assigned' THEN jsonb_build_object('assignee_id', md5('user:' || (ii.org + p.n_org * floor(ar.r_val * 15)::int))::uuid)
           WHEN 'updated' THEN jsonb_build_object('priority', jsonb_build_object(
               'from', (ARRAY['none', 'low', 'medium', 'high'])[1 + floor(ar.r_val * 4)::int],
               'to', (ARRAY['low', 'medium', 'high', 'urgent'])[1 + floor(ar.r_val * 4)::int]))
           WHEN 'labeled' THEN jsonb_build_object('label_id', md5('label:' || ii.org || ':' || (1 + floor(ar.r_val * 8)::int))::uuid)
           ELSE NULL END,
       ('10.' || (ii.org % 250) || '.' || floor(ar.r_ip1 * 250)::int || '.' || (1 + floor(ar.r_ip2 * 250)::int))::inet,
       w.user_agents[1 + floor(ar.r_ua * 7)::int],
       p.t0 + (p.t1 - p.t0 - interval '1 second') * ar.r_time
FROM _actr ar
CROSS JOIN _p p
CROSS JOIN _w w
JOIN _i ii ON ii.i = 1 + floor(ar.r_issue * p.n_issue)::int
CROSS JOIN LATERAL (
    SELECT CASE WHEN ar.r_action < 0.10 THEN 'created' WHEN ar.r_action < 0.35 THEN 'updated'
                WHEN ar.r_action < 0.55 THEN 'status_changed' WHEN ar.r_action < 0.68 THEN 'assigned'
                WHEN ar.r_action < 0.88 THEN 'commented' WHEN ar.r_action < 0.95 THEN 'labeled'
                WHEN ar.r_action < 0.98 THEN 'archived' ELSE 'restored' END::activity_action AS action
) act;

CREATE TEMP TABLE _nr ON COMMIT PRESERVE ROWS AS
SELECT n, random() AS r_issue, random() AS r_user, random() AS r_actor, random() AS r_type,
       random() AS r_time, random() AS r_read
FROM _p p, generate_series(1, p.n_notification) n;

INSERT INTO notifications (id, user_id, type, title, body, issue_id, actor_id, read_at, created_at)
SELECT md5('notification:' || n)::uuid,
       md5('user:' || (ii.org + p.n_org * floor(nr.r_user * 15)::int))::uuid,
       nt.type,
       CASE nt.type
           WHEN 'issue_assigned' THEN 'You were assigned an issue'
           WHEN 'issue_mentioned' THEN 'You were mentioned on an issue'
           WHEN 'comment_added' THEN 'New comment on an issue you follow'
           WHEN 'issue_updated' THEN 'An issue you follow was updated'
           WHEN 'due_date_reminder' THEN 'An issue is due soon'
           WHEN 'cycle_started' THEN 'A new cycle has started'
           ELSE 'The current cycle ends in two days' END,
       CASE WHEN nt.type IN ('cycle_started', 'cycle_ending') THEN NULL
            ELSE 'Open the issue to see the details.' END,
       CASE WHEN nt.type IN ('cycle_started', 'cycle_ending') THEN NULL ELSE md5('issue:' || ii.i)::uuid END,
       CASE WHEN nt.type IN ('cycle_started', 'cycle_ending', 'due_date_reminder') THEN NULL
            ELSE md5('user:' || (ii.org + p.n_org * floor(nr.r_actor * 15)::int))::uuid END,
       CASE WHEN nr.r_read < 0.7
            THEN ii.created_at + (p.t1 - interval '1 hour' - ii.created_at) * (nr.r_time + (1 - nr.r_time) * nr.r_read) END,
       ii.created_at + (p.t1 - interval '1 hour' - ii.created_at) * nr.r_time
FROM _nr nr
CROSS JOIN _p p
JOIN _i ii ON ii.i = 1 + floor(nr.r_issue * p.n_issue)::int
CROSS JOIN LATERAL (
    SELECT (ARRAY['issue_assigned', 'issue_mentioned', 'comment_added', 'comment_added', 'issue_updated',
                  'issue_updated', 'due_date_reminder', 'cycle_started', 'cycle_ending']::notification_type[])
           [1 + floor(nr.r_type * 9)::int] AS type
) nt;

-- ---------------------------------------------------------------------------
-- Webhooks and API tokens
-- ---------------------------------------------------------------------------

INSERT INTO webhooks (id, organization_id, project_id, created_by, url, secret, events, is_active,
                      created_at, updated_at)
SELECT md5('webhook:' || h)::uuid,
       md5('org:' || (1 + (h - 1) % p.n_org))::uuid,
       CASE WHEN h % 3 = 0 THEN md5('project:' || (1 + (h - 1) % p.n_org))::uuid END,
       md5('user:' || (1 + (h - 1) % p.n_org))::uuid,
       'https://hooks.example.com/' || md5('webhook-url:' || h),
       md5('webhook-secret:' || h) || md5('webhook-secret2:' || h),
       CASE h % 3 WHEN 0 THEN ARRAY['issue.created', 'issue.updated']
                  WHEN 1 THEN ARRAY['comment.added', 'issue.updated']
                  ELSE ARRAY['issue.created', 'issue.updated', 'comment.added'] END,
       h % 7 <> 0,
       p.t0 + make_interval(days => h * 5),
       p.t0 + make_interval(days => h * 5)
FROM _p p, generate_series(1, p.n_webhook) h;

CREATE TEMP TABLE _tr ON COMMIT PRESERVE ROWS AS
SELECT n, random() AS r_user, random() AS r_used, random() AS r_exp, random() AS r_rev
FROM _p p, generate_series(1, p.n_token) n;

INSERT INTO api_tokens (id, organization_id, user_id, name, token_hash, scopes, last_used_at,
                        expires_at, revoked_at, created_at)
SELECT md5('token:' || n)::uuid,
       md5('org:' || (1 + (u - 1) % p.n_org))::uuid,
       md5('user:' || u)::uuid,
       (ARRAY['CI pipeline', 'Slack bot', 'Reporting script', 'Personal token'])[1 + n % 4],
       md5('token-hash:' || n) || md5('token-hash-2:' || n),
       CASE n % 3 WHEN 0 THEN ARRAY['read'] WHEN 1 THEN ARRAY['read', 'write']
                  ELSE ARRAY['read', 'write', 'admin'] END,
       CASE WHEN r_used < 0.8 THEN p.t1 - make_interval(secs => r_used * 86400 * 60) END,
       CASE WHEN r_exp < 0.5 THEN p.t1 + make_interval(days => 30 + floor(r_exp * 300)::int) END,
       CASE WHEN r_rev < 0.1 THEN p.t1 - make_interval(days => 3) END,
       p.t0 + make_interval(secs => r_rev * 86400 * 300)
FROM _tr, _p p, LATERAL (SELECT 1 + floor(r_user * p.n_user)::int AS u) uu;

DROP TABLE _p, _w, _u, _ir, _i, _lr, _kr, _cr, _c, _ar, _actr, _nr, _tr;
RESET max_parallel_workers_per_gather;

ANALYZE organizations, users, teams, team_members, projects, cycles, labels, issues, issue_labels,
        issue_links, comments, attachments, activity_log, notifications, webhooks, api_tokens;
