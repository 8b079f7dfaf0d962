package org.captioner.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** What both job entries share: a quiet Spark session on the asked-for master, option values, usage errors. */
final class Sessions {

    private Sessions() {}

    /** A session on {@code master}, else spark-submit's, else {@code local[*]} (one machine, all cores). */
    static SparkSession start(String appName, String master) {
        quietSpark();
        SparkConf conf = new SparkConf().setAppName(appName);
        if (master != null) {
            conf.setMaster(master);
        } else if (!conf.contains("spark.master")) {
            conf.setMaster("local[*]");
        }
        // The launcher's allocator settings (see ./captioner) make the encoder several times faster;
        // executors started by a cluster manager get them only through their environment.
        String tunables = System.getenv("GLIBC_TUNABLES");
        if (tunables != null && !tunables.isBlank()) {
            conf.setIfMissing("spark.executorEnv.GLIBC_TUNABLES", tunables);
        }
        return SparkSession.builder().config(conf).getOrCreate();
    }

    /** Spark's INFO lines would bury the job's own report; its warnings and errors still show. */
    static void quietSpark() {
        try {
            org.apache.logging.log4j.core.config.Configurator.setRootLevel(org.apache.logging.log4j.Level.WARN);
            // DJL's start-up notes (no GPU, a TorchScript file rather than an archive) are not warnings here.
            org.apache.logging.log4j.core.config.Configurator.setLevel("ai.djl", org.apache.logging.log4j.Level.ERROR);
        } catch (LinkageError e) {
            // A cluster with another logging backend: leave its configuration alone.
        }
    }

    /**
     * A whole-number option within [min, max], {@code fallback} when absent; IllegalArgumentException
     * naming the option otherwise (both entries turn it into a usage error).
     */
    static int intOption(org.apache.commons.cli.CommandLine line, String name, int fallback, int min, int max) {
        String v = line.getOptionValue(name);
        if (v == null) {
            return fallback;
        }
        int n;
        try {
            n = Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " needs a whole number, got '" + v + "'");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException("--" + name + " must be between " + min + " and " + max + ", got " + n);
        }
        return n;
    }

    /** Prints a usage error the way every captioner command does and returns status 2. */
    static int usage(String command, String message) {
        System.err.println("captioner " + command + ": " + message + " (see ./captioner " + command + " --help)");
        return 2;
    }
}
