import { composeSupergraph } from '../gateway/supergraph';
import { publicQuery } from './queries';
console.log(publicQuery());
try { console.log(publicQuery(composeSupergraph())); } catch (e) { console.log('compose failed', (e as Error).message.slice(0, 300)); }
