-- What an emailed link may do: `password` (a reset: sets a password), `invitation` (an admin's
-- invitation: sets a password too) or `confirm` (the link sent on registering: confirms the
-- address and nothing else).
ALTER TABLE password_resets ADD COLUMN purpose TEXT NOT NULL DEFAULT 'password';
-- Welcome links already sent and not yet used confirm, as they were sent to: registering wrote
-- the link and the unconfirmed address at the same moment.
UPDATE password_resets SET purpose = 'confirm'
WHERE used_at IS NULL
  AND EXISTS (
    SELECT 1 FROM unconfirmed_addresses
    WHERE unconfirmed_addresses.person_id = password_resets.person_id
      AND unconfirmed_addresses.registered_at = password_resets.created_at
  );
