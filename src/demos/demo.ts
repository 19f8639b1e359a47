/** What a scenario demo gets: where to keep its data and how to print a step. */
export interface DemoContext {
  /** A directory the demo may use for its node's data (created by the caller). */
  readonly dataDir: string;
  /** Print one step of the scenario (the CLI prints it; tests collect it). */
  log(step: string): void;
  /** Scenario options from the command line (e.g. `voteGroup` for the voting demos). */
  readonly options?: Readonly<Record<string, string>>;
}

/** A runnable end-to-end scenario (`gongzhi demo <name>`). */
export interface Demo {
  readonly name: string;
  readonly description: string;
  /** Runs the scenario; resolves with facts a test can assert on. */
  run(ctx: DemoContext): Promise<Readonly<Record<string, unknown>>>;
}
