package org.captioner.cli;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/** The {@code captioner} command: dispatches to a sub-command. */
public final class Main {

    private Main() {}

    static Map<String, Command> commands() {
        Map<String, Command> c = new LinkedHashMap<>();
        for (Command command : new Command[] {new CaptionCommand(), new FeaturesCommand(), new TrainCommand(),
                new EvaluateCommand(), new ScoreCommand(), new EnsembleCommand(), new ConceptsCommand(), new NameableCommand(),
                new BenchCommand()}) {
            c.put(command.name(), command);
        }
        return c;
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs a command line and returns its exit status (0 ok, 1 some inputs failed or error, 2 usage). */
    public static int run(String[] args) {
        Map<String, Command> commands = commands();
        if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help")) {
            System.out.println("usage: ./captioner <command> [options]   (./captioner <command> --help for details)\n");
            commands.values().forEach(c -> System.out.printf("  %-9s %s%n", c.name(), firstSentence(c.summary())));
            System.out.printf("  %-9s %s%n", "serve", "Start the web upload page and JSON API.");
            return args.length == 0 ? 2 : 0;
        }
        Command command = commands.get(args[0]);
        if (command == null) {
            System.err.println("captioner: unknown command '" + args[0] + "' (commands: "
                    + String.join(", ", commands.keySet()) + ", serve)");
            return 2;
        }
        try {
            return command.execute(Arrays.copyOfRange(args, 1, args.length));
        } catch (UsageException e) {
            System.err.println("captioner " + command.name() + ": " + e.getMessage());
            return 2;
        } catch (Exception e) {
            System.err.println("captioner " + command.name() + ": " + describe(e));
            if (Boolean.getBoolean("captioner.debug")) {
                e.printStackTrace();
            }
            return 1;
        }
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m;
    }

    private static String firstSentence(String s) {
        int dot = s.indexOf(". ");
        return dot < 0 ? s : s.substring(0, dot + 1);
    }
}
