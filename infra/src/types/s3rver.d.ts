// s3rver 3.7 ships no types; only what bin/s3rver.ts uses.
declare module "s3rver" {
  interface S3rverOptions {
    port?: number;
    address?: string;
    directory?: string;
    silent?: boolean;
    resetOnClose?: boolean;
    configureBuckets?: { name: string; configs?: (string | Buffer)[] }[];
  }
  export default class S3rver {
    constructor(options: S3rverOptions);
    run(): Promise<{ address: string; port: number }>;
    close(): Promise<void>;
    /** winston's, built in the constructor. */
    logger: { transports: { level?: string }[] };
  }
}
