package org.captioner.metrics;

import java.util.List;

/** ROUGE-L per image (β = 1.2), best precision and recall over the references, as COCO does. */
public final class RougeL {

    private static final double BETA = 1.2;

    private RougeL() {}

    /** The image's ROUGE-L F-score for one tokenised candidate against tokenised references. */
    public static double score(String candidate, List<String> references) {
        // COCO splits on single spaces, so an empty caption is one empty token.
        String[] cand = candidate.split(" ", -1);
        double precMax = 0;
        double recMax = 0;
        for (String reference : references) {
            String[] ref = reference.split(" ", -1);
            int lcs = lcs(ref, cand);
            precMax = Math.max(precMax, lcs / (double) cand.length);
            recMax = Math.max(recMax, lcs / (double) ref.length);
        }
        if (precMax == 0 || recMax == 0) {
            return 0;
        }
        return ((1 + BETA * BETA) * precMax * recMax) / (recMax + BETA * BETA * precMax);
    }

    private static int lcs(String[] a, String[] b) {
        int[][] t = new int[a.length + 1][b.length + 1];
        for (int i = 1; i <= a.length; i++) {
            for (int j = 1; j <= b.length; j++) {
                t[i][j] = a[i - 1].equals(b[j - 1]) ? t[i - 1][j - 1] + 1 : Math.max(t[i - 1][j], t[i][j - 1]);
            }
        }
        return t[a.length][b.length];
    }
}
