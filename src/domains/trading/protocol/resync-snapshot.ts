import type {
  AccountSnapshot,
  BookSnapshot,
  InstrumentSnapshot,
  OrderSnapshot,
} from './exchange-snapshot.ts';

/** What `resync` returns besides seqs: the state the client rebuilds its projection from. */
export interface ResyncSnapshot {
  accounts: { account: AccountSnapshot; openOrders: OrderSnapshot[] }[];
  books: BookSnapshot[];
  instruments: InstrumentSnapshot[];
}
