-- Version 6: the directory's password-set time read before each writeback.

-- A start-up that finds an intent open compares it with the directory's
-- time then: a change means the write happened, the same time means it did
-- not (unless an earlier write of the same account fell in the same second
-- or the clock-skew window, which start-up reports as unknown). The window
-- alone could not tell a write from an earlier one made minutes before.
ALTER TABLE writebacks ADD COLUMN set_before INTEGER;
