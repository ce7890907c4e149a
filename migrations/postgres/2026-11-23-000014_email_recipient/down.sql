DROP INDEX email_outbox_recipient;
