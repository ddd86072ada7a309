import { render } from 'solid-js/web';

render(() => <main>Parley</main>, document.getElementById('root')!);
