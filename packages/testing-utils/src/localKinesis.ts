import {
  type LocalKinesis,
  startLocalKinesis,
} from '@kpl-lambda/local-event-source-mapping/local-kinesis';

/**
 * A local Kinesis (kinesalite) for the tests of a file, or of the `describe` it is called in:
 * started before them, stopped after. What it returns gives it, in a test or a later hook.
 */
export function useLocalKinesis(): () => LocalKinesis {
  let kinesis: LocalKinesis | undefined;
  beforeAll(async () => {
    kinesis = await startLocalKinesis();
  });
  afterAll(() => kinesis?.stop());
  return () => kinesis!;
}
