/** A button that opens the browser's print dialogue (the board report prints itself as A4). */
export default function PrintButton({ label }: { [key: string]: unknown; label: string }) {
  return (
    <button
      type="button"
      class="print-button"
      data-testid="print"
      onClick={() => globalThis.print()}
    >
      {label}
    </button>
  );
}
