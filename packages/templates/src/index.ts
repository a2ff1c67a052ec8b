export { COLORS, type Color, otherColor, serverLayout, type ServerLayout } from './layout';
