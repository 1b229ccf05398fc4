ALTER TABLE mail_outbox DROP COLUMN list_unsubscribe;
DROP TABLE alert_subscriptions;
