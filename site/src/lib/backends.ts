// How each backend is shown on every page: its look as the build's runs settle it (looks.ts).
import { siteData } from './loader.ts';
import type { BackendLook } from './looks.ts';

export const lookOf = (backend: string): BackendLook => siteData().looks.get(backend) ?? { label: backend, title: backend, color: '#444444' };
export const labelOf = (backend: string): string => lookOf(backend).label;
/** Full names, for titles. */
export const nameOf = (backend: string): string => lookOf(backend).title;
export const colorOf = (backend: string): string => lookOf(backend).color;
