// `npm start`: this agency's subgraph. Configured by the environment, as every owner of the hub:
// PORT, DATABASE_URL (its own database), JUSTICE_URL, HUB_PUBLIC_KEYS_FILE (the hub's directory of
// public keys, this agency's included), OWNER_SIGNING_KEY_FILE (its own private key, kid
// culture-tourism), DATA_KEK_FILE (its key-encryption key of personal fields at rest).
import { runAgency } from '@supervision-graph/agency-kit';
import { cultureTourism } from './index';

await runAgency(cultureTourism);
