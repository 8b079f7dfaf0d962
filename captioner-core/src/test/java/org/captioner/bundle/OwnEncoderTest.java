package org.captioner.bundle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.captioner.encoder.EncoderIdentity;
import org.captioner.encoder.Preprocessing;
import org.captioner.model.DecoderConfig;
import org.junit.jupiter.api.Test;

/** A variant taking the bundle's own encoder's place, the former own kept as a variant. */
class OwnEncoderTest {

    private static EncoderIdentity identity(String name, String sha) {
        return new EncoderIdentity(name, sha, "/somewhere/" + name, Preprocessing.squash(224), 1280);
    }

    private static BundleInfo bundle() {
        BundleInfo.EncoderVariant fast = new BundleInfo.EncoderVariant("fast", "fast.pt", identity("fast.pt", "bb"),
                "dev CIDEr 0.5");
        BundleInfo.EncoderVariant int8 = new BundleInfo.EncoderVariant("int8", "int8.pt", identity("int8.pt", "cc"),
                "dev CIDEr 0.4");
        return new BundleInfo(BundleInfo.FORMAT, new DecoderConfig(10, 1280, 8, 8, 1, 0, 0), identity("float.pt", "aa"),
                new EncoderLocation("float.pt", null), new SearchDefaults(3, 0.5, 20), null, List.of(),
                List.of(fast, int8));
    }

    @Test
    void theVariantBecomesTheOwnEncoderAndTheFormerOwnAVariant() {
        BundleInfo after = bundle().withOwnEncoder("fast", "float", "was the own");
        assertEquals("bb", after.encoder().sha256());
        assertEquals("fast.pt", after.encoderLocation().fileName());
        assertEquals(null, after.encoderVariant("fast"), "no longer a variant of itself");
        BundleInfo.EncoderVariant former = after.encoderVariant("float");
        assertEquals("float.pt", former.fileName());
        assertEquals("aa", former.identity().sha256());
        assertEquals(null, former.identity().origin(), "a variant's identity names no path on this machine");
        assertEquals("was the own", former.measured());
        assertTrue(former.formerOwn(), "marked as the former own encoder");
        assertTrue(!after.encoderVariant("int8").formerOwn());
        assertTrue(after.encoderVariant("int8") != null, "the other variants stay");
        assertEquals(2, after.encoderVariants().size());
    }

    @Test
    void aVariantMeasuredAgainKeepsItsPlaceAndANewOneComesLast() {
        BundleInfo.EncoderVariant again = new BundleInfo.EncoderVariant("fast", "fast.pt", identity("fast.pt", "bb"),
                "dev CIDEr 0.6");
        BundleInfo after = bundle().withEncoderVariant(again);
        assertEquals(List.of("fast", "int8"), after.encoderVariants().stream().map(BundleInfo.EncoderVariant::name).toList());
        assertEquals("dev CIDEr 0.6", after.encoderVariant("fast").measured());
        BundleInfo more = after.withEncoderVariant(new BundleInfo.EncoderVariant("onnx", "f.onnx",
                identity("f.onnx", "dd"), "dev CIDEr 0.5"));
        assertEquals(List.of("fast", "int8", "onnx"),
                more.encoderVariants().stream().map(BundleInfo.EncoderVariant::name).toList());
    }

    @Test
    void anUnknownVariantOrATakenNameIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> bundle().withOwnEncoder("onnx", "float", "x"));
        assertThrows(IllegalArgumentException.class, () -> bundle().withOwnEncoder("fast", "int8", "x"));
        assertThrows(IllegalArgumentException.class, () -> bundle().withOwnEncoder("fast", "fast", "x"));
    }
}
