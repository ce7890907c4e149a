-- What an emailed link may do: `password` (a reset or an invitation: sets a password) or
-- `confirm` (the link sent on registering: confirms the address and nothing else). Links
-- already sent keep what they could do.
ALTER TABLE password_resets ADD COLUMN purpose TEXT NOT NULL DEFAULT 'password';
