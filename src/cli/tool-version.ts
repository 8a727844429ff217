/** Written into replay files and reports so a reader knows which shakedown produced them. */
export const TOOL_VERSION = '0.1.0';
