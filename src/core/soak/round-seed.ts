import { fnv1a32 } from '../shard/fnv1a.ts';

/**
 * The seed of one soak round, from the soak seed and the round number: the same soak seed
 * replays the same rounds, and each round explores new sequences (reusing the soak seed in
 * every round would run the same runs again and again). Printed with a failure, it reruns
 * the round with `shakedown run --seed`.
 */
export function roundSeed(soakSeed: number, round: number): number {
  return fnv1a32(`soak:${soakSeed}:${round}`) & 0x7fffffff;
}
