/** Entry point: styles and the app into #root. */
import { render } from 'solid-js/web';
import { App } from './app.tsx';
import './styles/index.css';
import { initTheme } from './lib/theme.ts';

// Before the first render, so a forced theme never flashes the system one.
initTheme();

const root = document.getElementById('root');
if (!root) throw new Error('index.html lost its #root element');
render(() => <App />, root);
