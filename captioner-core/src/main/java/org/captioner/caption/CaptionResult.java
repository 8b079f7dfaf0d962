package org.captioner.caption;

import java.util.List;
import org.captioner.image.ImageReadException;
import org.captioner.objects.ObjectTag;

/**
 * The outcome for one image: its captions, best first, or the reason it could not be captioned.
 *
 * @param tags what the encoder's ImageNet classifier sees, most probable first (empty when the
 *     bundle has no classifier)
 * @param errorKind why it failed (null on success), for callers mapping failures to codes
 */
public record CaptionResult(String name, List<ScoredCaption> captions, List<ObjectTag> tags, String error,
        ImageReadException.Kind errorKind) {

    public CaptionResult {
        captions = captions == null ? List.of() : List.copyOf(captions);
        tags = tags == null ? List.of() : List.copyOf(tags);
    }

    public static CaptionResult ok(String name, List<ScoredCaption> captions, List<ObjectTag> tags) {
        return new CaptionResult(name, captions, tags, null, null);
    }

    public static CaptionResult failed(String name, String error, ImageReadException.Kind kind) {
        return new CaptionResult(name, List.of(), List.of(), error, kind);
    }

    public boolean succeeded() {
        return error == null;
    }

    /** The best caption, or null when the image failed. */
    public ScoredCaption best() {
        return captions.isEmpty() ? null : captions.get(0);
    }
}
