import { render } from 'preact';
import { App } from './app';
import { html } from './html';
import './styles.css';

render(html`<${App} />`, document.getElementById('app')!);
