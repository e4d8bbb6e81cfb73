-- A create is one statement (store/postgres/store.ts, insertSessionAtOnce): the owner read FOR
-- SHARE and every write of the create are one WITH statement, so it needs no BEGIN and COMMIT round
-- trips. A statement cannot skip its own data-modifying parts, so this function makes the whole
-- statement fail (and write nothing) when the locked owner is missing or not active; the store maps
-- the two SQLSTATEs back to user_not_found and user_disabled.
CREATE FUNCTION "sessions_require_active_owner"(owner_status text) RETURNS boolean
LANGUAGE plpgsql AS $$
BEGIN
  IF owner_status IS NULL THEN
    RAISE EXCEPTION 'session owner not found' USING ERRCODE = 'SE404';
  END IF;
  IF owner_status <> 'active' THEN
    RAISE EXCEPTION 'session owner is %', owner_status USING ERRCODE = 'SE403';
  END IF;
  RETURN true;
END
$$;
