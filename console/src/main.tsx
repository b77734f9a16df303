/** The operator console: hash routes #/ (channels), #/new, #/day, #/channel/<id>. */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { hasToken } from './api';
import { ChannelsView } from './channels';
import { ChannelView } from './channel';
import { CreateView } from './create';
import { DayView } from './day';

function route(): string[] {
  return location.hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
}

function App() {
  const [parts, setParts] = useState(route());
  useEffect(() => {
    const on = () => { setParts(route()); document.getElementById('main')?.focus(); };
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  const [page, id] = parts;
  const current = (p: string | undefined) => ((page ?? '') === (p ?? '') ? 'page' : undefined);
  return (
    <>
      <a class="skip" href="#main" onClick={(e) => { e.preventDefault(); document.getElementById('main')?.focus(); }}>Skip to content</a>
      <header class="top">
        <h1><a href="#/">OnAir console</a></h1>
        <nav aria-label="Console">
          <a href="#/" aria-current={current('')}>Channels</a>
          <a href="#/day" aria-current={current('day')}>Day view</a>
          <a href="#/new" aria-current={current('new')}>New channel</a>
        </nav>
      </header>
      <main id="main" tabIndex={-1}>
        {/* Without the token every API call would be refused (403): make none. */}
        {!hasToken() ? <p role="alert" class="error">This page has no console token: open the URL that <code>npm start</code> or <code>onair console</code> printed.</p>
          : page === 'channel' && id ? <ChannelView id={id} key={id} />
          : page === 'new' ? <CreateView />
            : page === 'day' ? <DayView />
              : <ChannelsView />}
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
