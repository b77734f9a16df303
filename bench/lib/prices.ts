/**
 * AWS public prices used to turn counts into dollars (us-east-1, on-demand, no free tier).
 * Each figure names its source; docs/BENCHMARKS.md repeats them with the date they were read.
 */
export const PRICES = {
  /** Step Functions Standard: $0.025 per 1,000 state transitions (aws.amazon.com/step-functions/pricing; ../shared/docs/aws-facts.md). */
  stepFunctionsPerTransition: 0.025 / 1000,
  /** Lambda requests: $0.20 per 1M requests (aws.amazon.com/lambda/pricing). */
  lambdaPerRequest: 0.2 / 1_000_000,
  /**
   * Lambda duration, Arm (Graviton2) — serverless.yml deploys arm64: $0.0000133334 per GB-second for
   * the first 6 billion GB-seconds a month (aws.amazon.com/lambda/pricing; the same figure, 1333340e-10,
   * is transcribed in artillery's lib/platform/aws-lambda/prices.js).
   */
  lambdaArmPerGbSecond: 0.0000133334,
} as const;
