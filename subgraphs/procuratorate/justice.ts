import type { SubgraphRuntime } from '../../kit/module';
import { isUuid } from '../../kit/loaders';

// What the procuratorate needs from the justice bureau's directory and case index.

export interface IndexedCase { id: string; region: string; agency: { code: string } }
export interface Bureau { code: string; kind: string; region: string }

export async function lookUpCase(runtime: SubgraphRuntime, id: string): Promise<IndexedCase | null> {
  if (!isUuid(id)) return null;
  const data = await runtime.call<{ case: IndexedCase | null }>('justice',
    'query($id: ID!) { case(id: $id) { id region agency { code } } }', { id });
  return data.case;
}

export async function lookUpBureau(runtime: SubgraphRuntime, code: string): Promise<Bureau | null> {
  const data = await runtime.call<{ agency: Bureau | null }>('justice',
    'query($code: ID!) { agency(code: $code) { code kind region } }', { code });
  return data.agency;
}
