// An exception the model (or a property's monitor) throws during a run is a result, not an abort: the run ends
// with a violation whose message starts with MODEL_ERROR, the search shrinks it and writes its counterexample like
// any other, and the verdict table never counts it as an expected verdict (cli/check.ts).
export const MODEL_ERROR = 'model error: ';

export const isModelError = (message: string | null | undefined): boolean => message?.startsWith(MODEL_ERROR) === true;

export const modelErrorMessage = (e: unknown): string => `${MODEL_ERROR}${e instanceof Error ? e.message : String(e)}`;
