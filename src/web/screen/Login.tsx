/** The wall display's sign-in form (a script may pass `?token=` instead). */
import { useState } from 'react';
import type { Static } from 'typebox';
import type { LoginBody, LoginResponse } from '../../server/modules/users/users.schemas.js';
import { ApiError, api, setToken } from '../shared/api.js';

export function Login({ onDone }: { onDone: () => void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  return (
    <form
      className="login"
      onSubmit={async (e) => {
        e.preventDefault();
        try {
          const body: Static<typeof LoginBody> = { username, password };
          const res = await api.post<Static<typeof LoginResponse>>('/auth/login', body);
          setToken(res.token);
          onDone();
        } catch (err) {
          setError(err instanceof ApiError ? err.message : String(err));
        }
      }}
    >
      <h1>枫桥 · 指挥中心</h1>
      <p className="sub">Command centre sign-in</p>
      <input aria-label="用户名 Username" placeholder="用户名 Username" value={username} onChange={(e) => setUsername(e.target.value)} autoFocus />
      <input aria-label="密码 Password" placeholder="密码 Password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} />
      {error && <p className="error" role="alert">{error}</p>}
      <button type="submit">登录 Sign in</button>
    </form>
  );
}
