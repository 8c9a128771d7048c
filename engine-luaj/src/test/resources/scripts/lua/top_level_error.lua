-- Fails while loading, like a provider test script whose assert does not hold.
local answer = 41
assert(answer == 42, "the answer must be 42")
hooks = {}
