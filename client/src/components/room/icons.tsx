/** Icons of the room screen (decorative unless a caller names them). */
const common = { width: 18, height: 18, viewBox: '0 0 24 24', fill: 'none', stroke: 'currentColor', 'stroke-width': 2, 'stroke-linecap': 'round', 'stroke-linejoin': 'round', 'aria-hidden': true } as const;

export const IconClock = () => (
  <svg {...common} width={14} height={14}>
    <circle cx="12" cy="12" r="9" />
    <path d="M12 7v5l3 2" />
  </svg>
);
export const IconTick = () => (
  <svg {...common} width={14} height={14} stroke-width={2.5}>
    <path d="M5 12.5l4.5 4.5L19 7.5" />
  </svg>
);
export const IconReply = () => (
  <svg {...common}>
    <path d="M9 14L4 9l5-5" />
    <path d="M4 9h10.5a5.5 5.5 0 0 1 0 11H11" />
  </svg>
);
export const IconEdit = () => (
  <svg {...common}>
    <path d="M12 20h9" />
    <path d="M16.5 3.5a2.1 2.1 0 0 1 3 3L7 19l-4 1 1-4z" />
  </svg>
);
export const IconTrash = () => (
  <svg {...common}>
    <path d="M3 6h18M8 6V4h8v2M19 6l-1 14H6L5 6" />
  </svg>
);
export const IconSend = () => (
  <svg {...common} width={20} height={20}>
    <path d="M22 2L11 13" />
    <path d="M22 2l-7 20-4-9-9-4z" />
  </svg>
);
export const IconDown = () => (
  <svg {...common} width={20} height={20}>
    <path d="M6 9l6 6 6-6" />
  </svg>
);
export const IconSearch = () => (
  <svg {...common} width={20} height={20}>
    <circle cx="11" cy="11" r="7" />
    <path d="M21 21l-4.3-4.3" />
  </svg>
);
export const IconX = () => (
  <svg {...common} width={16} height={16}>
    <path d="M18 6L6 18M6 6l12 12" />
  </svg>
);
