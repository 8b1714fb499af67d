/** Small inline SVG icons (no icon font: nothing is fetched). */
import type { ReactNode } from 'react';

export function VeilMark() {
  return (
    <svg className="mark" width="28" height="28" viewBox="0 0 28 28" aria-hidden="true">
      <rect x="1" y="1" width="26" height="26" rx="7" fill="var(--accent)" />
      <path d="M7 8.5 L14 21 L21 8.5" fill="none" stroke="#fff" strokeWidth="2.6" strokeLinecap="round" strokeLinejoin="round" />
      <rect x="9.5" y="12" width="9" height="2.6" rx="1.3" fill="#fff" opacity="0.55" />
    </svg>
  );
}

export function UploadGlyph() {
  return (
    <svg className="glyph" width="44" height="44" viewBox="0 0 44 44" aria-hidden="true">
      <rect x="6" y="8" width="32" height="28" rx="4" fill="none" stroke="currentColor" strokeWidth="2" />
      <rect x="12" y="14" width="20" height="5" rx="1.5" fill="currentColor" opacity="0.85" />
      <path d="M12 25h20M12 30h13" stroke="currentColor" strokeWidth="2" strokeLinecap="round" opacity="0.45" />
    </svg>
  );
}

function Icon({ children, size = 16 }: { children: ReactNode; size?: number }) {
  return (
    <svg className="icon" width={size} height={size} viewBox="0 0 16 16" aria-hidden="true" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" strokeLinejoin="round">
      {children}
    </svg>
  );
}

export const ChevronRight = () => <Icon><path d="M6 3.5 10.5 8 6 12.5" /></Icon>;
export const ChevronDown = () => <Icon><path d="M3.5 6 8 10.5 12.5 6" /></Icon>;
export const ArrowLeft = () => <Icon><path d="M13 8H3M7 4 3 8l4 4" /></Icon>;
export const Warning = () => <Icon><path d="M8 2.2 14.5 13.5h-13Z" /><path d="M8 6.5v3.2M8 11.6v.1" /></Icon>;
export const Download = () => <Icon><path d="M8 2.5v8M4.5 7 8 10.5 11.5 7M3 13.5h10" /></Icon>;
export const Plus = () => <Icon><path d="M8 3v10M3 8h10" /></Icon>;
export const Folder = () => <Icon><path d="M2 4.5h4l1.5 1.5H14v6.5H2Z" /></Icon>;
export const Check = () => <Icon><path d="m3 8.5 3 3 7-7" /></Icon>;
export const Close = () => <Icon><path d="m4 4 8 8M12 4l-8 8" /></Icon>;
