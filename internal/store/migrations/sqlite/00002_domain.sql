-- +goose Up
CREATE TABLE users (
  id VARCHAR(26) PRIMARY KEY,
  username VARCHAR(64) NOT NULL UNIQUE,
  display_name VARCHAR(100) NOT NULL,
  password_hash VARCHAR(200) NOT NULL,
  roles VARCHAR(200) NOT NULL,
  dept_code VARCHAR(32) NOT NULL DEFAULT '',
  enterprise_uscc VARCHAR(18) NOT NULL DEFAULT '',
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until BIGINT NOT NULL DEFAULT 0,
  disabled SMALLINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX users_dept ON users (dept_code);
CREATE INDEX users_enterprise ON users (enterprise_uscc);

CREATE TABLE sessions (
  token_hash VARCHAR(64) PRIMARY KEY,
  user_id VARCHAR(26) NOT NULL REFERENCES users (id),
  csrf VARCHAR(64) NOT NULL,
  created_at BIGINT NOT NULL,
  last_seen_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);

CREATE TABLE enterprises (
  uscc VARCHAR(18) PRIMARY KEY,
  name VARCHAR(200) NOT NULL,
  bad_credit SMALLINT NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);

CREATE TABLE projects (
  id VARCHAR(26) PRIMARY KEY,
  code VARCHAR(32) NOT NULL UNIQUE,
  name VARCHAR(200) NOT NULL,
  flow_id VARCHAR(64) NOT NULL,
  flow_version INTEGER NOT NULL,
  type VARCHAR(64) NOT NULL,
  district VARCHAR(6) NOT NULL,
  address VARCHAR(200) NOT NULL DEFAULT '',
  investment REAL NOT NULL,
  land_area REAL NOT NULL,
  floor_area REAL NOT NULL,
  government_invested SMALLINT NOT NULL,
  enterprise_uscc VARCHAR(18) NOT NULL,
  enterprise_name VARCHAR(200) NOT NULL,
  agents TEXT NOT NULL,
  answers TEXT NOT NULL,
  state VARCHAR(16) NOT NULL,
  current_stage INTEGER NOT NULL,
  created_by VARCHAR(26) NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX projects_enterprise ON projects (enterprise_uscc, created_at);
CREATE INDEX projects_state ON projects (state, created_at);

CREATE TABLE stages (
  id VARCHAR(26) PRIMARY KEY,
  project_id VARCHAR(26) NOT NULL REFERENCES projects (id),
  number INTEGER NOT NULL,
  name VARCHAR(64) NOT NULL,
  lead_dept VARCHAR(32) NOT NULL,
  state VARCHAR(16) NOT NULL,
  round INTEGER NOT NULL DEFAULT 0,
  limit_days INTEGER NOT NULL,
  commitment SMALLINT NOT NULL DEFAULT 0,
  submitted_at BIGINT,
  concluded_at BIGINT,
  reasons TEXT NOT NULL,
  version BIGINT NOT NULL DEFAULT 1,
  UNIQUE (project_id, number)
);
CREATE INDEX stages_lead ON stages (lead_dept, state);

CREATE TABLE tasks (
  id VARCHAR(26) PRIMARY KEY,
  project_id VARCHAR(26) NOT NULL REFERENCES projects (id),
  stage_id VARCHAR(26) NOT NULL REFERENCES stages (id),
  stage INTEGER NOT NULL,
  round INTEGER NOT NULL,
  item_code VARCHAR(32) NOT NULL,
  item_version INTEGER NOT NULL,
  item_name VARCHAR(200) NOT NULL,
  dept_code VARCHAR(32) NOT NULL,
  enterprise_uscc VARCHAR(18) NOT NULL,
  state INTEGER NOT NULL,
  level INTEGER NOT NULL,
  is_open SMALLINT NOT NULL,
  due_date VARCHAR(10) NOT NULL DEFAULT '9999-12-31',
  clock_state VARCHAR(16) NOT NULL DEFAULT '',
  assignee VARCHAR(26) NOT NULL DEFAULT '',
  doc TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL,
  concluded_at BIGINT,
  version BIGINT NOT NULL DEFAULT 1
);
CREATE INDEX tasks_todo ON tasks (dept_code, is_open, due_date, id);
CREATE INDEX tasks_project ON tasks (project_id, stage, round);
CREATE INDEX tasks_stage ON tasks (stage_id, round);

CREATE TABLE events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id VARCHAR(26) NOT NULL UNIQUE,
  project_id VARCHAR(26) NOT NULL,
  stage_id VARCHAR(26) NOT NULL DEFAULT '',
  task_id VARCHAR(26) NOT NULL DEFAULT '',
  kind VARCHAR(32) NOT NULL,
  actor_id VARCHAR(26) NOT NULL DEFAULT '',
  actor_name VARCHAR(100) NOT NULL DEFAULT '',
  actor_role VARCHAR(32) NOT NULL DEFAULT '',
  from_state VARCHAR(16) NOT NULL DEFAULT '',
  to_state VARCHAR(16) NOT NULL DEFAULT '',
  from_level INTEGER NOT NULL DEFAULT 0,
  to_level INTEGER NOT NULL DEFAULT 0,
  opinion TEXT NOT NULL,
  data TEXT NOT NULL,
  at BIGINT NOT NULL
);
CREATE INDEX events_project ON events (project_id, seq);
CREATE INDEX events_task ON events (task_id, seq);

CREATE TABLE materials (
  id VARCHAR(26) PRIMARY KEY,
  project_id VARCHAR(26) NOT NULL REFERENCES projects (id),
  stage INTEGER NOT NULL,
  material_code VARCHAR(64) NOT NULL,
  version INTEGER NOT NULL,
  blob_key VARCHAR(64) NOT NULL,
  file_name VARCHAR(200) NOT NULL,
  size BIGINT NOT NULL,
  format VARCHAR(16) NOT NULL,
  uploaded_by VARCHAR(26) NOT NULL,
  uploaded_at BIGINT NOT NULL,
  UNIQUE (project_id, stage, material_code, version)
);

CREATE TABLE calendar_years (
  year INTEGER PRIMARY KEY,
  doc TEXT NOT NULL,
  updated_by VARCHAR(26) NOT NULL,
  updated_at BIGINT NOT NULL
);

CREATE TABLE notifications (
  id VARCHAR(26) PRIMARY KEY,
  audience VARCHAR(64) NOT NULL,
  kind VARCHAR(32) NOT NULL,
  project_id VARCHAR(26) NOT NULL DEFAULT '',
  task_id VARCHAR(26) NOT NULL DEFAULT '',
  title VARCHAR(200) NOT NULL,
  body TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  read_at BIGINT
);
CREATE INDEX notifications_audience ON notifications (audience, created_at);

-- +goose Down
DROP TABLE notifications;
DROP TABLE calendar_years;
DROP TABLE materials;
DROP TABLE events;
DROP TABLE tasks;
DROP TABLE stages;
DROP TABLE projects;
DROP TABLE enterprises;
DROP TABLE sessions;
DROP TABLE users;
