// The part of s3rver (an S3 server in this process, on loopback) the tests use: it ships no types.
declare module 's3rver' {
  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory?: string;
    resetOnClose?: boolean;
    allowMismatchedSignatures?: boolean;
    configureBuckets?: Array<{ name: string }>;
  }
  export default class S3rver {
    public constructor(options: S3rverOptions);
    public run(): Promise<{ address: string; port: number }>;
    public close(): Promise<void>;
  }
}
