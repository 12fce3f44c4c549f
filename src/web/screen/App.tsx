/**
 * The big screen's shell: scaled to the display, signed in by `?token=` (a wall display started by a script;
 * the token is then taken out of the address) or by the sign-in form.
 */
import { useCallback, useState } from 'react';
import { getToken, setToken } from '../shared/api.js';
import { Login } from './Login.js';
import { Screen } from './Screen.js';
import { useFitScale } from './use-fit-scale.js';

/** Stores a `?token=` of the address and removes it (keeps it out of screenshots and history); true when signed in. */
function takeTokenFromAddress(): boolean {
  const url = new URL(window.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    setToken(fromUrl);
    url.searchParams.delete('token');
    window.history.replaceState(null, '', url);
  }
  return Boolean(getToken());
}

export function App() {
  const scale = useFitScale();
  const [signedIn, setSignedIn] = useState(takeTokenFromAddress);
  const signOut = useCallback(() => {
    setToken(null);
    setSignedIn(false);
  }, []);
  return (
    <div className="stage" style={{ transform: `scale(${scale})` }}>
      {signedIn ? <Screen onSignOut={signOut} /> : <Login onDone={() => setSignedIn(true)} />}
    </div>
  );
}
