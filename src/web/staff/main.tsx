import { createRoot } from 'react-dom/client';

// Placeholder until the staff entry lands; keeps the build and routes working.
createRoot(document.getElementById('root')!).render(<p>Fengqiao staff</p>);
