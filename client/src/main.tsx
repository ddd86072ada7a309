/** Entry point: styles and the app into #root. */
import { render } from 'solid-js/web';
import { App } from './app.tsx';
import './styles/index.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html lost its #root element');
render(() => <App />, root);
