/** CloudFront side of a channel: builders (pure) and operations. Playback lives in ./playback. */
export * from './builders';
export * from './operations';
