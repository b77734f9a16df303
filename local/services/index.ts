/**
 * Every service the twin serves: one line each (a ServiceFactory, see local/core/types.ts).
 * Add yours with a small targeted edit; keep one per line.
 */
import type { ServiceFactory } from '../core/types';
import { createSts } from './sts';

export const SERVICES: ServiceFactory[] = [
  createSts,
];
