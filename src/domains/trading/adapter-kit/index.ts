/**
 * The adapter kit for in-process matching libraries (docs/adapters.md, "A system that does not
 * speak the reference protocol"): implement BookLibrary for one instrument's book, hand it to
 * bookLibraryTarget, and export the result as the adapter module's default.
 */

export { TRADING_CAPABILITIES, type TradingCapability } from '../trading-capabilities.ts';
export type {
  BookLibrary,
  CancelOutcome,
  LibBook,
  LibFill,
  LibLevel,
  LibOrderId,
  ModifyOutcome,
  ModifyRequest,
  OpenBook,
  PlaceOutcome,
  PlaceRequest,
  Refusal,
  RestingOrder,
} from './book-library.ts';
export {
  type BookLibraryTargetOptions,
  bookLibraryTarget,
  KIT_CAPABILITIES,
  type KitTarget,
  kitConfig,
} from './book-library-target.ts';
export {
  type InstrumentSpec,
  type KitInstrument,
  kitInstrument,
  lotsOf,
  priceOf,
  priceOnGrid,
  qtyOf,
  qtyOnGrid,
  referenceInstruments,
  ticksOf,
} from './kit-instrument.ts';
