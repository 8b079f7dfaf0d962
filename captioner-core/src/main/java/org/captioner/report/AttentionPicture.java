package org.captioner.report;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * Draws where an attending decoder looked for each word, as in Show, Attend and Tell's figures: one
 * panel per word, the photo lit where α is high and dimmed where it is low, the word beneath; the
 * caption across the top. α over the square grid is upsampled bilinearly over the part of the photo
 * the encoder saw (the whole photo when squashed, the centre crop otherwise), so a panel shows what
 * the grid's regions covered.
 */
public final class AttentionPicture {

    private static final int PANEL = 192;
    private static final int COLUMNS = 5;
    private static final int GAP = 6;
    private static final int LABEL = 22;
    private static final int TITLE = 28;
    /** How much light a region the model ignored keeps: enough to recognise the photo behind the map. */
    private static final float FLOOR = 0.2f;

    private AttentionPicture() {}

    /**
     * @param photo the photo as read
     * @param seen the part of {@code photo} the encoder saw, in its pixels
     * @param caption the caption, shown as the title
     * @param words the caption's words, one per row of {@code alphas}
     * @param alphas α per word over a square grid, row-major
     */
    public static BufferedImage draw(BufferedImage photo, Rectangle2D seen, String caption, List<String> words,
            float[][] alphas) {
        if (words.size() != alphas.length) {
            throw new IllegalArgumentException(words.size() + " words but " + alphas.length + " attention maps");
        }
        BufferedImage view = crop(photo, seen);
        // Panels keep the photo's shape (within 1:2 and 2:1); the grid stretches over it as the encoder's did.
        int panelHeight = (int) Math.round(PANEL * Math.max(0.5, Math.min(2.0,
                (double) view.getHeight() / view.getWidth())));
        int rows = Math.max(1, (words.size() + COLUMNS - 1) / COLUMNS);
        int columns = Math.max(1, Math.min(COLUMNS, words.size()));
        int width = columns * PANEL + (columns + 1) * GAP;
        int height = TITLE + rows * (panelHeight + LABEL + GAP) + GAP;
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, width, height);
            g.setColor(Color.BLACK);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
            drawFitted(g, caption, GAP, 20, width - 2 * GAP);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 14));
            BufferedImage panelPhoto = scale(view, PANEL, panelHeight);
            for (int k = 0; k < words.size(); k++) {
                int x = GAP + (k % COLUMNS) * (PANEL + GAP);
                int y = TITLE + (k / COLUMNS) * (panelHeight + LABEL + GAP);
                g.drawImage(lit(panelPhoto, alphas[k]), x, y, null);
                g.setColor(Color.BLACK);
                drawFitted(g, words.get(k), x + 2, y + panelHeight + 16, PANEL - 4);
            }
        } finally {
            g.dispose();
        }
        return out;
    }

    /** The photo with each pixel's brightness scaled by α there (bilinear over the grid, max α = full light). */
    static BufferedImage lit(BufferedImage panel, float[] alpha) {
        int side = gridSide(alpha.length);
        float max = 0;
        for (float a : alpha) {
            max = Math.max(max, a);
        }
        int w = panel.getWidth();
        int h = panel.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                float a = max > 0 ? bilinear(alpha, side, (x + 0.5f) * side / w - 0.5f, (y + 0.5f) * side / h - 0.5f) / max
                        : 0;
                float light = FLOOR + (1 - FLOOR) * Math.max(0, Math.min(1, a));
                int rgb = panel.getRGB(x, y);
                int r = Math.round(((rgb >> 16) & 0xff) * light);
                int gr = Math.round(((rgb >> 8) & 0xff) * light);
                int b = Math.round((rgb & 0xff) * light);
                out.setRGB(x, y, (r << 16) | (gr << 8) | b);
            }
        }
        return out;
    }

    /** The side of a square grid of {@code regions} cells. */
    public static int gridSide(int regions) {
        int side = (int) Math.round(Math.sqrt(regions));
        if (side * side != regions || regions == 0) {
            throw new IllegalArgumentException("attention over a square grid expected, got " + regions + " regions");
        }
        return side;
    }

    /** α at fractional cell coordinates (cell centres at integers), clamped at the grid's edges. */
    static float bilinear(float[] alpha, int side, float gx, float gy) {
        float x = Math.max(0, Math.min(side - 1, gx));
        float y = Math.max(0, Math.min(side - 1, gy));
        int x0 = (int) Math.floor(x);
        int y0 = (int) Math.floor(y);
        int x1 = Math.min(side - 1, x0 + 1);
        int y1 = Math.min(side - 1, y0 + 1);
        float fx = x - x0;
        float fy = y - y0;
        float top = alpha[y0 * side + x0] * (1 - fx) + alpha[y0 * side + x1] * fx;
        float bottom = alpha[y1 * side + x0] * (1 - fx) + alpha[y1 * side + x1] * fx;
        return top * (1 - fy) + bottom * fy;
    }

    private static BufferedImage crop(BufferedImage photo, Rectangle2D seen) {
        int x = (int) Math.max(0, Math.floor(seen.getX()));
        int y = (int) Math.max(0, Math.floor(seen.getY()));
        int w = (int) Math.min(photo.getWidth() - x, Math.max(1, Math.round(seen.getWidth())));
        int h = (int) Math.min(photo.getHeight() - y, Math.max(1, Math.round(seen.getHeight())));
        return photo.getSubimage(x, y, w, h);
    }

    private static BufferedImage scale(BufferedImage image, int w, int h) {
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.drawImage(image, 0, 0, w, h, null);
        } finally {
            g.dispose();
        }
        return out;
    }

    /** Draws {@code text}, cut with an ellipsis where it is wider than {@code width}. */
    private static void drawFitted(Graphics2D g, String text, int x, int y, int width) {
        FontMetrics metrics = g.getFontMetrics();
        String shown = text;
        if (metrics.stringWidth(shown) > width) {
            while (!shown.isEmpty() && metrics.stringWidth(shown + "…") > width) {
                shown = shown.substring(0, shown.length() - 1);
            }
            shown = shown + "…";
        }
        g.drawString(shown, x, y);
    }
}
