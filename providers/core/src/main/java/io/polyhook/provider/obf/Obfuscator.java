package io.polyhook.provider.obf;

import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

/**
 * Reversible obfuscation of credentials with AES-256-GCM: {@code "obf:"} followed by the
 * base64 of a random 12-byte IV and the ciphertext with its tag. The key lives in memory
 * only; the random IV makes two encryptions of one value differ. Thread-safe.
 */
final class Obfuscator {

    static final String PREFIX = "obf:";
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    // Binds ciphertexts to this use and format, so a key shared with something else still
    // cannot be used to pass other ciphertexts off as obfuscated values.
    private static final byte[] AAD = "polyhook-obf-v1".getBytes(StandardCharsets.US_ASCII);

    private final SecretKey key;
    private final SecureRandom random;

    private Obfuscator(SecretKey key, SecureRandom random) {
        this.key = key;
        this.random = random;
    }

    /** An obfuscator with a fresh random key, valid for as long as this node runs. */
    static Obfuscator withRandomKey(SecureRandom random) {
        byte[] key = new byte[32];
        random.nextBytes(key);
        return new Obfuscator(new SecretKeySpec(key, "AES"), random);
    }

    /**
     * An obfuscator whose key is derived from {@code secret}, so that nodes (or restarts)
     * configured with the same secret read each other's values.
     */
    static Obfuscator withSecret(String secret, SecureRandom random) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(AAD);
            byte[] key = sha256.digest(secret.getBytes(StandardCharsets.UTF_8));
            return new Obfuscator(new SecretKeySpec(key, "AES"), random);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    String encrypt(byte[] plain) {
        byte[] iv = new byte[IV_BYTES];
        random.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(AAD);
            byte[] sealed = cipher.doFinal(plain);
            byte[] out = Arrays.copyOf(iv, IV_BYTES + sealed.length);
            System.arraycopy(sealed, 0, out, IV_BYTES, sealed.length);
            return PREFIX + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
    }

    /**
     * The plain value of {@code value} if it is something {@link #encrypt} made with this key:
     * a {@code String}, or a {@code byte[]} if it is not valid UTF-8. Anything else, plain text
     * above all, comes back unchanged.
     */
    Object decrypt(String value) {
        if (!value.startsWith(PREFIX)) {
            return value;
        }
        byte[] sealed;
        try {
            sealed = Base64.getDecoder().decode(value.substring(PREFIX.length()));
        } catch (IllegalArgumentException notBase64) {
            return value;
        }
        if (sealed.length < IV_BYTES + TAG_BITS / 8) {
            return value;
        }
        byte[] plain;
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, IV_BYTES));
            cipher.updateAAD(AAD);
            plain = cipher.doFinal(sealed, IV_BYTES, sealed.length - IV_BYTES);
        } catch (AEADBadTagException otherKeyOrNotOurs) {
            return value;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM failed", e);
        }
        return text(plain);
    }

    private static Object text(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException binary) {
            return bytes;
        }
    }
}
