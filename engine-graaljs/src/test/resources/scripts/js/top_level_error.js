// Fails while loading, like a provider test script whose assert does not hold.
const answer = 41;
if (answer !== 42) throw new Error("the answer must be 42");
var hooks = {};
