/// The schema as an ordered list of released migrations. Append only.
enum Schema {
    static let migrations: [Migration] = [
        Migration(version: 1, name: "platform foundation: clinics, staff, sessions, patients, amendments, audit") { kind in
            // Name keys are compared byte-wise so prefix ranges work with a plain B-tree on both engines.
            let binaryText = kind == .postgres ? "TEXT COLLATE \"C\"" : "TEXT"
            return [
                """
                CREATE TABLE clinics (
                    id TEXT PRIMARY KEY, name TEXT NOT NULL, created_at BIGINT NOT NULL)
                """,
                """
                CREATE TABLE users (
                    id TEXT PRIMARY KEY, clinic_id TEXT NOT NULL REFERENCES clinics(id), username TEXT NOT NULL,
                    display_name TEXT NOT NULL, role TEXT NOT NULL, password_hash TEXT NOT NULL,
                    is_disabled BIGINT NOT NULL DEFAULT 0, failed_attempts BIGINT NOT NULL DEFAULT 0, locked_until BIGINT,
                    created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)
                """,
                "CREATE UNIQUE INDEX users_username ON users (clinic_id, username)",
                """
                CREATE TABLE auth_sessions (
                    token_hash TEXT PRIMARY KEY, clinic_id TEXT NOT NULL, user_id TEXT NOT NULL REFERENCES users(id),
                    kind TEXT NOT NULL, csrf_token TEXT NOT NULL, created_at BIGINT NOT NULL, last_seen_at BIGINT NOT NULL,
                    expires_at BIGINT NOT NULL, client_address TEXT NOT NULL, revoked_at BIGINT)
                """,
                "CREATE INDEX auth_sessions_user ON auth_sessions (user_id)",
                """
                CREATE TABLE patients (
                    id TEXT PRIMARY KEY, clinic_id TEXT NOT NULL REFERENCES clinics(id), mrn \(binaryText) NOT NULL,
                    legal_given TEXT NOT NULL, legal_family TEXT NOT NULL, preferred_name TEXT, date_of_birth TEXT NOT NULL,
                    sex_at_birth TEXT NOT NULL, gender_identity TEXT, phone TEXT, email TEXT, address TEXT,
                    ec_name TEXT, ec_relationship TEXT, ec_phone TEXT, ec_can_escort BIGINT,
                    search_family \(binaryText) NOT NULL, search_given \(binaryText) NOT NULL, search_preferred \(binaryText),
                    version BIGINT NOT NULL, created_at BIGINT NOT NULL, created_by TEXT NOT NULL,
                    updated_at BIGINT NOT NULL, updated_by TEXT NOT NULL)
                """,
                "CREATE UNIQUE INDEX patients_mrn ON patients (clinic_id, mrn)",
                "CREATE INDEX patients_family ON patients (clinic_id, search_family)",
                "CREATE INDEX patients_given ON patients (clinic_id, search_given)",
                "CREATE INDEX patients_preferred ON patients (clinic_id, search_preferred)",
                "CREATE INDEX patients_dob ON patients (clinic_id, date_of_birth)",
                """
                CREATE TABLE patient_amendments (
                    id TEXT PRIMARY KEY, clinic_id TEXT NOT NULL, patient_id TEXT NOT NULL REFERENCES patients(id),
                    version BIGINT NOT NULL, field TEXT NOT NULL, old_value TEXT, new_value TEXT, reason TEXT NOT NULL,
                    amended_by TEXT NOT NULL, amended_at BIGINT NOT NULL)
                """,
                "CREATE INDEX patient_amendments_patient ON patient_amendments (patient_id, version)",
                """
                CREATE TABLE body_measurements (
                    id TEXT PRIMARY KEY, clinic_id TEXT NOT NULL, patient_id TEXT NOT NULL REFERENCES patients(id),
                    kind TEXT NOT NULL, value DOUBLE PRECISION NOT NULL, measured_on TEXT NOT NULL,
                    recorded_by TEXT NOT NULL, recorded_at BIGINT NOT NULL)
                """,
                "CREATE INDEX body_measurements_patient ON body_measurements (patient_id, kind, measured_on)",
                """
                CREATE TABLE audit_events (
                    clinic_id TEXT NOT NULL, seq BIGINT NOT NULL, occurred_at BIGINT NOT NULL, actor TEXT NOT NULL,
                    role TEXT NOT NULL, action TEXT NOT NULL, resource_type TEXT NOT NULL, resource_id TEXT NOT NULL,
                    patient_id TEXT, client_address TEXT NOT NULL, outcome TEXT NOT NULL, detail TEXT NOT NULL,
                    prev_hash TEXT NOT NULL, hash TEXT NOT NULL, PRIMARY KEY (clinic_id, seq))
                """,
                "CREATE INDEX audit_events_patient ON audit_events (clinic_id, patient_id, seq)",
                "CREATE INDEX audit_events_actor ON audit_events (clinic_id, actor, seq)",
                "CREATE INDEX audit_events_action ON audit_events (clinic_id, action, seq)",
                "CREATE INDEX audit_events_time ON audit_events (clinic_id, occurred_at)",
                """
                CREATE TABLE audit_head (
                    clinic_id TEXT PRIMARY KEY, seq BIGINT NOT NULL, hash TEXT NOT NULL)
                """,
                """
                CREATE TABLE clinic_policies (
                    clinic_id TEXT NOT NULL, version BIGINT NOT NULL, policy_json TEXT NOT NULL, reason TEXT NOT NULL,
                    created_by TEXT NOT NULL, created_at BIGINT NOT NULL, PRIMARY KEY (clinic_id, version))
                """,
            ]
        },
        Migration(version: 2, name: "measurement-based care: questionnaire responses, safety alerts, self-report links, rate limits") { _ in
            [
                """
                CREATE TABLE questionnaire_responses (
                    id TEXT PRIMARY KEY, clinic_id TEXT NOT NULL, patient_id TEXT NOT NULL REFERENCES patients(id),
                    instrument_id TEXT NOT NULL, instrument_version TEXT NOT NULL, context TEXT NOT NULL, mode TEXT NOT NULL,
                    answers_json TEXT NOT NULL, total BIGINT, severity TEXT, is_complete BIGINT NOT NULL, score_json TEXT NOT NULL,
                    entered_by TEXT NOT NULL, answered_at BIGINT NOT NULL, entered_at BIGINT NOT NULL, link_token_hash TEXT)
                """,
                "CREATE INDEX questionnaire_responses_patient ON questionnaire_responses (clinic_id, patient_id, instrument_id, answered_at)",
                """
                CREATE TABLE safety_alerts (
                    id TEXT PRIMARY KEY, clinic_id TEXT NOT NULL, patient_id TEXT NOT NULL REFERENCES patients(id),
                    response_id TEXT NOT NULL REFERENCES questionnaire_responses(id), rule_id TEXT NOT NULL, kind TEXT NOT NULL,
                    priority TEXT NOT NULL, message TEXT NOT NULL, section TEXT NOT NULL, blocks_dosing BIGINT NOT NULL,
                    raised_at BIGINT NOT NULL, acknowledged_by TEXT, acknowledged_at BIGINT, action_note TEXT)
                """,
                "CREATE INDEX safety_alerts_open ON safety_alerts (clinic_id, acknowledged_at, raised_at)",
                "CREATE INDEX safety_alerts_patient ON safety_alerts (clinic_id, patient_id, raised_at)",
                """
                CREATE TABLE self_report_links (
                    token_hash TEXT PRIMARY KEY, clinic_id TEXT NOT NULL, patient_id TEXT NOT NULL REFERENCES patients(id),
                    instruments TEXT NOT NULL, context TEXT NOT NULL, progress_json TEXT NOT NULL, created_by TEXT NOT NULL,
                    created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, completed_at BIGINT, revoked_at BIGINT)
                """,
                "CREATE INDEX self_report_links_patient ON self_report_links (clinic_id, patient_id, created_at)",
                """
                CREATE TABLE rate_limits (
                    bucket TEXT PRIMARY KEY, window_start BIGINT NOT NULL, hits BIGINT NOT NULL)
                """,
            ]
        },
        Migration(version: 3, name: "measurement-based care: care team, diagnoses, outcome summaries, licensed instrument text, schedules") { _ in
            [
                """
                CREATE TABLE care_team (
                    id TEXT PRIMARY KEY, clinic_id TEXT NOT NULL, patient_id TEXT NOT NULL REFERENCES patients(id),
                    care_role TEXT NOT NULL, username TEXT NOT NULL, assigned_at BIGINT NOT NULL, assigned_by TEXT NOT NULL,
                    reason TEXT NOT NULL, ended_at BIGINT, ended_by TEXT)
                """,
                "CREATE INDEX care_team_patient ON care_team (clinic_id, patient_id, care_role, ended_at)",
                "CREATE INDEX care_team_user ON care_team (clinic_id, username, ended_at)",
                """
                CREATE TABLE patient_diagnoses (
                    id TEXT PRIMARY KEY, clinic_id TEXT NOT NULL, patient_id TEXT NOT NULL REFERENCES patients(id),
                    code TEXT NOT NULL, diagnosis_group TEXT NOT NULL, is_primary BIGINT NOT NULL, recorded_at BIGINT NOT NULL,
                    recorded_by TEXT NOT NULL, ended_at BIGINT, ended_by TEXT, end_reason TEXT)
                """,
                "CREATE INDEX patient_diagnoses_patient ON patient_diagnoses (clinic_id, patient_id, ended_at)",
                """
                CREATE TABLE outcome_summaries (
                    clinic_id TEXT NOT NULL, patient_id TEXT NOT NULL REFERENCES patients(id), instrument_id TEXT NOT NULL,
                    diagnosis_group TEXT NOT NULL, has_depression BIGINT NOT NULL, route TEXT,
                    score_count BIGINT NOT NULL, baseline_score BIGINT, baseline_at BIGINT, latest_score BIGINT, latest_at BIGINT,
                    is_response BIGINT, is_remission BIGINT, days_to_response DOUBLE PRECISION, updated_at BIGINT NOT NULL,
                    PRIMARY KEY (clinic_id, patient_id, instrument_id))
                """,
                "CREATE INDEX outcome_summaries_cohort ON outcome_summaries (clinic_id, instrument_id, baseline_at)",
                """
                CREATE TABLE licensed_instrument_texts (
                    id TEXT PRIMARY KEY, clinic_id TEXT NOT NULL, instrument_id TEXT NOT NULL, version BIGINT NOT NULL,
                    body_json TEXT NOT NULL, licence_holder TEXT NOT NULL, licence_reference TEXT NOT NULL,
                    uploaded_by TEXT NOT NULL, uploaded_at BIGINT NOT NULL)
                """,
                "CREATE UNIQUE INDEX licensed_instrument_texts_version ON licensed_instrument_texts (clinic_id, instrument_id, version)",
                """
                CREATE TABLE measurement_schedules (
                    id TEXT PRIMARY KEY, clinic_id TEXT NOT NULL, patient_id TEXT NOT NULL REFERENCES patients(id),
                    schedule_json TEXT NOT NULL, attached_at BIGINT NOT NULL, attached_by TEXT NOT NULL, ended_at BIGINT, ended_by TEXT)
                """,
                "CREATE INDEX measurement_schedules_patient ON measurement_schedules (clinic_id, patient_id, ended_at)",
            ]
        },
        // Issue #6. Products and locations are not stored: they come from `LedgerCatalog.seed` until a clinic needs its own.
        Migration(version: 4, name: "controlled-substance ledger") { _ in
            [
                """
                CREATE TABLE ledger_entries (
                    clinic_id TEXT NOT NULL, seq BIGINT NOT NULL, occurred_at BIGINT NOT NULL, recorded_at BIGINT NOT NULL,
                    idempotency_key TEXT NOT NULL, product_id TEXT NOT NULL, kind TEXT NOT NULL, lot_id TEXT NOT NULL,
                    patient_id TEXT, session_id TEXT, dose_order_id TEXT, recorded_by TEXT NOT NULL, recorded_by_role TEXT NOT NULL,
                    witness TEXT, witness_role TEXT, entry_json TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL,
                    PRIMARY KEY (clinic_id, seq))
                """,
                "CREATE UNIQUE INDEX ledger_entries_submission ON ledger_entries (clinic_id, idempotency_key)",
                "CREATE INDEX ledger_entries_time ON ledger_entries (clinic_id, occurred_at)",
                "CREATE INDEX ledger_entries_session ON ledger_entries (clinic_id, session_id)",
                "CREATE INDEX ledger_entries_patient ON ledger_entries (clinic_id, patient_id)",
                """
                CREATE TABLE ledger_head (
                    clinic_id TEXT PRIMARY KEY, seq BIGINT NOT NULL, hash TEXT NOT NULL)
                """,
                """
                CREATE TABLE ledger_lots (
                    clinic_id TEXT NOT NULL, id TEXT NOT NULL, lot_number TEXT NOT NULL, product_id TEXT NOT NULL,
                    expires_on TEXT NOT NULL, received_seq BIGINT NOT NULL, PRIMARY KEY (clinic_id, id))
                """,
                """
                CREATE TABLE ledger_counts (
                    id TEXT PRIMARY KEY, clinic_id TEXT NOT NULL, taken_at BIGINT NOT NULL, moment TEXT NOT NULL,
                    first_counter TEXT NOT NULL, second_counter TEXT NOT NULL, count_json TEXT NOT NULL, result_json TEXT NOT NULL,
                    discrepancy_id TEXT)
                """,
                "CREATE INDEX ledger_counts_time ON ledger_counts (clinic_id, taken_at)",
                """
                CREATE TABLE ledger_discrepancies (
                    id TEXT PRIMARY KEY, clinic_id TEXT NOT NULL, count_id TEXT NOT NULL, opened_at BIGINT NOT NULL,
                    lines_json TEXT NOT NULL, is_open BIGINT NOT NULL, resolution_note TEXT, resolved_by TEXT, resolved_by_role TEXT,
                    resolved_at BIGINT, adjustment_seq BIGINT)
                """,
                "CREATE INDEX ledger_discrepancies_open ON ledger_discrepancies (clinic_id, is_open, opened_at)",
            ]
        },
        Migration(version: 5, name: "intake, eligibility screening, consent, treatment plans, scheduling, message outbox") { _ in
            [
                """
                CREATE TABLE intake_histories (
                    id TEXT PRIMARY KEY, clinic_id TEXT NOT NULL, patient_id TEXT NOT NULL REFERENCES patients(id), version BIGINT NOT NULL,
                    history_json TEXT NOT NULL, source TEXT NOT NULL, recorded_by TEXT NOT NULL, recorded_at BIGINT NOT NULL)
                """,
                "CREATE UNIQUE INDEX intake_histories_version ON intake_histories (clinic_id, patient_id, version)",
                """
                CREATE TABLE screening_results (
                    id TEXT PRIMARY KEY, clinic_id TEXT NOT NULL, patient_id TEXT NOT NULL REFERENCES patients(id),
                    history_version BIGINT NOT NULL, decision TEXT NOT NULL, rule_set_version BIGINT NOT NULL, result_json TEXT NOT NULL,
                    trigger TEXT NOT NULL, screened_at BIGINT NOT NULL, screened_by TEXT NOT NULL, superseded_at BIGINT)
                """,
                "CREATE INDEX screening_results_patient ON screening_results (clinic_id, patient_id, screened_at)",
                """
                CREATE TABLE screening_overrides (
                    id TEXT PRIMARY KEY, clinic_id TEXT NOT NULL, screening_id TEXT NOT NULL REFERENCES screening_results(id),
                    rule_id TEXT NOT NULL, override_json TEXT NOT NULL, recorded_at BIGINT NOT NULL)
                """,
                "CREATE INDEX screening_overrides_screening ON screening_overrides (clinic_id, screening_id)",
                """
                CREATE TABLE consent_documents (
                    clinic_id TEXT NOT NULL, id TEXT NOT NULL, version BIGINT NOT NULL, document_json TEXT NOT NULL,
                    created_by TEXT NOT NULL, created_at BIGINT NOT NULL, PRIMARY KEY (clinic_id, id, version))
                """,
                """
                CREATE TABLE consent_records (
                    id TEXT PRIMARY KEY, clinic_id TEXT NOT NULL, patient_id TEXT NOT NULL REFERENCES patients(id), route TEXT NOT NULL,
                    record_json TEXT NOT NULL, signed_at BIGINT NOT NULL, withdrawn_at BIGINT, version BIGINT NOT NULL)
                """,
                "CREATE INDEX consent_records_patient ON consent_records (clinic_id, patient_id, route)",
                """
                CREATE TABLE treatment_plans (
                    id TEXT PRIMARY KEY, clinic_id TEXT NOT NULL, patient_id TEXT NOT NULL REFERENCES patients(id), route TEXT NOT NULL,
                    phase TEXT NOT NULL, plan_json TEXT NOT NULL, version BIGINT NOT NULL, updated_by TEXT NOT NULL, updated_at BIGINT NOT NULL)
                """,
                "CREATE INDEX treatment_plans_patient ON treatment_plans (clinic_id, patient_id)",
                """
                CREATE TABLE chairs (
                    clinic_id TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL, is_active BIGINT NOT NULL, PRIMARY KEY (clinic_id, id))
                """,
                """
                CREATE TABLE bookings (
                    id TEXT PRIMARY KEY, clinic_id TEXT NOT NULL, patient_id TEXT NOT NULL REFERENCES patients(id),
                    plan_id TEXT NOT NULL REFERENCES treatment_plans(id), chair_id TEXT NOT NULL, nurse TEXT NOT NULL, route TEXT NOT NULL,
                    starts_at BIGINT NOT NULL, ends_at BIGINT NOT NULL, status TEXT NOT NULL, note TEXT, checked_in_at BIGINT,
                    escort_confirmed BIGINT NOT NULL DEFAULT 0, version BIGINT NOT NULL, created_by TEXT NOT NULL, created_at BIGINT NOT NULL)
                """,
                "CREATE INDEX bookings_time ON bookings (clinic_id, starts_at)",
                "CREATE INDEX bookings_patient ON bookings (clinic_id, patient_id, starts_at)",
                """
                CREATE TABLE booking_changes (
                    id TEXT PRIMARY KEY, clinic_id TEXT NOT NULL, booking_id TEXT NOT NULL REFERENCES bookings(id), change_json TEXT NOT NULL,
                    changed_at BIGINT NOT NULL)
                """,
                "CREATE INDEX booking_changes_booking ON booking_changes (clinic_id, booking_id)",
                """
                CREATE TABLE outbox (
                    id TEXT PRIMARY KEY, clinic_id TEXT NOT NULL, patient_id TEXT REFERENCES patients(id), kind TEXT NOT NULL,
                    channel TEXT NOT NULL, recipient TEXT NOT NULL, subject TEXT NOT NULL, body TEXT NOT NULL, due_at BIGINT NOT NULL,
                    status TEXT NOT NULL, attempts BIGINT NOT NULL, last_error TEXT, next_attempt_at BIGINT NOT NULL, sent_at BIGINT,
                    created_at BIGINT NOT NULL)
                """,
                "CREATE INDEX outbox_pending ON outbox (status, next_attempt_at)",
            ]
        },
        Migration(version: 6, name: "treatment sessions: dose orders, session records, vitals, events, adverse events") { _ in
            [
                """
                CREATE TABLE treatment_sessions (
                    id TEXT PRIMARY KEY, clinic_id TEXT NOT NULL, patient_id TEXT NOT NULL REFERENCES patients(id), route TEXT NOT NULL,
                    state TEXT NOT NULL, stop_reason TEXT, version BIGINT NOT NULL, checks_json TEXT, baseline_vitals_json TEXT,
                    pre_dose_moaas BIGINT, pre_dose_cadss BIGINT, dosing_start BIGINT, dosing_end BIGINT, ready_at BIGINT,
                    administered_mg TEXT, weight_kg TEXT, signed_by TEXT, signed_at BIGINT,
                    created_at BIGINT NOT NULL, created_by TEXT NOT NULL, updated_at BIGINT NOT NULL, updated_by TEXT NOT NULL)
                """,
                "CREATE INDEX treatment_sessions_patient ON treatment_sessions (clinic_id, patient_id, created_at)",
                """
                CREATE TABLE dose_orders (
                    id TEXT PRIMARY KEY, clinic_id TEXT NOT NULL, session_id TEXT NOT NULL REFERENCES treatment_sessions(id),
                    patient_id TEXT NOT NULL, route TEXT NOT NULL, entry_id TEXT NOT NULL, dose_amount TEXT NOT NULL, dose_unit TEXT NOT NULL,
                    concentration TEXT, infusion_min TEXT, weight_kg TEXT, weight_measured_at BIGINT, dose_mg TEXT NOT NULL,
                    volume_ml TEXT, rate_ml_per_h TEXT, devices BIGINT, limit_status TEXT NOT NULL, limit_name TEXT, limit_message TEXT,
                    override_reason TEXT, report_json TEXT NOT NULL, ordered_by TEXT NOT NULL, ordered_at BIGINT NOT NULL,
                    verified_by TEXT, verified_role TEXT, verified_at BIGINT)
                """,
                "CREATE UNIQUE INDEX dose_orders_session ON dose_orders (session_id)",
                "CREATE INDEX dose_orders_limits ON dose_orders (clinic_id, limit_status, ordered_at)",
                """
                CREATE TABLE session_events (
                    id TEXT PRIMARY KEY, clinic_id TEXT NOT NULL, session_id TEXT NOT NULL REFERENCES treatment_sessions(id),
                    patient_id TEXT NOT NULL, seq BIGINT NOT NULL, kind TEXT NOT NULL, occurred_at BIGINT NOT NULL,
                    recorded_at BIGINT NOT NULL, recorded_by TEXT NOT NULL, role TEXT NOT NULL, payload_json TEXT NOT NULL)
                """,
                "CREATE UNIQUE INDEX session_events_session ON session_events (session_id, seq)",
                """
                CREATE TABLE session_alerts (
                    id TEXT PRIMARY KEY, clinic_id TEXT NOT NULL, session_id TEXT NOT NULL REFERENCES treatment_sessions(id),
                    patient_id TEXT NOT NULL, event_id TEXT NOT NULL, alert_key TEXT NOT NULL, signal TEXT NOT NULL, level TEXT NOT NULL,
                    threshold TEXT NOT NULL, observed TEXT, action TEXT NOT NULL, raised_at BIGINT NOT NULL,
                    acknowledged_by TEXT, acknowledged_at BIGINT, action_taken TEXT)
                """,
                "CREATE INDEX session_alerts_session ON session_alerts (session_id, raised_at)",
                """
                CREATE TABLE adverse_events (
                    id TEXT PRIMARY KEY, clinic_id TEXT NOT NULL, session_id TEXT NOT NULL REFERENCES treatment_sessions(id),
                    patient_id TEXT NOT NULL, term TEXT NOT NULL, onset BIGINT NOT NULL, resolved_at BIGINT, grade BIGINT NOT NULL,
                    seriousness TEXT NOT NULL, relatedness TEXT NOT NULL, is_expected BIGINT NOT NULL, action TEXT NOT NULL,
                    treatment TEXT, outcome TEXT NOT NULL, reporter TEXT NOT NULL, recorded_at BIGINT NOT NULL, obligations_json TEXT NOT NULL)
                """,
                "CREATE INDEX adverse_events_session ON adverse_events (session_id, onset)",
                "CREATE INDEX adverse_events_clinic ON adverse_events (clinic_id, onset)",
            ]
        },
        Migration(version: 7, name: "cohort report: covering index over outcome summaries") { _ in
            [
                """
                CREATE INDEX outcome_summaries_report ON outcome_summaries (
                    clinic_id, instrument_id, diagnosis_group, has_depression, days_to_response, baseline_at, route, is_response,
                    is_remission, baseline_score, latest_score)
                """,
                // The narrower index tempted the planner into row lookups for date-filtered reports; the covering one serves them.
                "DROP INDEX outcome_summaries_cohort",
            ]
        },
        Migration(version: 8, name: "long-term safety watch: bladder and cognition check-ins") { _ in
            [
                """
                CREATE TABLE safety_check_ins (
                    id TEXT PRIMARY KEY, clinic_id TEXT NOT NULL, patient_id TEXT NOT NULL REFERENCES patients(id), kind TEXT NOT NULL,
                    completed_at BIGINT NOT NULL, completed_by TEXT NOT NULL, recorded_at BIGINT NOT NULL, recorded_by TEXT NOT NULL,
                    role TEXT NOT NULL, has_flag BIGINT NOT NULL, check_in_json TEXT NOT NULL)
                """,
                "CREATE INDEX safety_check_ins_patient ON safety_check_ins (clinic_id, patient_id, kind, completed_at)",
            ]
        },
        Migration(version: 9, name: "dose orders can be withdrawn before dosing and ordered again") { _ in
            [
                "ALTER TABLE dose_orders ADD COLUMN withdrawn_at BIGINT",
                "ALTER TABLE dose_orders ADD COLUMN withdrawn_by TEXT",
                "ALTER TABLE dose_orders ADD COLUMN withdraw_reason TEXT",
                "DROP INDEX dose_orders_session",
                "CREATE UNIQUE INDEX dose_orders_current ON dose_orders (session_id) WHERE withdrawn_at IS NULL",
                "CREATE INDEX dose_orders_session ON dose_orders (session_id)",
            ]
        },
        Migration(version: 10, name: "medical-director authority: an attribute of the account that an administrator grants") { _ in
            ["ALTER TABLE users ADD COLUMN is_medical_director BIGINT NOT NULL DEFAULT 0"]
        },
        Migration(version: 11, name: "sign-in hardening: forced password change") { _ in
            ["ALTER TABLE users ADD COLUMN must_change_password BIGINT NOT NULL DEFAULT 0"]
        },
        Migration(version: 12, name: "escalation of unacknowledged critical session alerts") { _ in
            [
                "ALTER TABLE session_alerts ADD COLUMN escalated_at BIGINT",
                "CREATE INDEX session_alerts_open ON session_alerts (clinic_id, acknowledged_at, level)",
            ]
        },
    ]
}
