import { h } from 'preact';
import htm from 'htm';

/** JSX-like templates without a compiler step: htm's tagged templates bound to Preact. */
export const html = htm.bind(h);
