package io.privacysuite.consent;

/** Per-category consent state. "Necessary" cookies need no consent and are always on. */
public record Categories(boolean preferences, boolean statistics, boolean marketing) {
    public static final Categories ALL = new Categories(true, true, true);
    public static final Categories NONE = new Categories(false, false, false);

    public boolean necessary() {
        return true;
    }

    public Categories withoutMarketing() {
        return new Categories(preferences, statistics, false);
    }

    /** Compact canonical form used in the signed record. */
    public String canonical() {
        return "n1p" + bit(preferences) + "s" + bit(statistics) + "m" + bit(marketing);
    }

    private static char bit(boolean b) {
        return b ? '1' : '0';
    }
}
