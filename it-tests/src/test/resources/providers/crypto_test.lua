-- crypto (vmq_diversity crypto_test.lua, reference §2.13 and §4.3): hash gives the raw digest.
hooks = {}

local function tohex(s)
    return (s:gsub(".", function(c) return string.format("%02x", string.byte(c)) end))
end

local expected = {
    md5 = "5d41402abc4b2a76b9719d911017c592",
    sha = "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d",
    sha256 = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824",
    sha512 = "9b71d224bd62f3785d96d46ad3ea3d73319bfbc2890caadae2dff72519673ca7"
        .. "2323c3d99ba5c11d7c7acc6e14b8c5da0c4663475c2e5c3adef46f73bcdec043",
    sha3_256 = "3338be694f50c5f338814986cdf0686453a888b84f424d792af4b9202398f392",
    sha3_512 = "75d527c368f2efe848ecf6b073a36767800805e9eef2b1857d5f984f036eb6df"
        .. "891d75f72d9b154518c1cd58835286d1da9a38deba3de98b5a53e5ed78a84976",
}

for _, alg in ipairs({ "md5", "sha", "sha256", "sha512", "sha3_256", "sha3_512" }) do
    local digest = crypto.hash(alg, "hello")
    assert(type(digest) == "string", alg .. " gives a string")
    assert(#digest * 2 == #expected[alg], alg .. " gives a raw digest of " .. (#expected[alg] / 2) .. " bytes")
    assert(tohex(digest) == expected[alg], alg .. "(hello) = " .. expected[alg] .. ", got " .. tohex(digest))
end

assert(not pcall(crypto.hash, "no_such_alg", "hello"), "an unknown algorithm is an error")
