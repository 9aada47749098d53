/** Model deployments: which models are running and where to reach them. */

import type { KamiwazaClient } from "./client.js";

export interface Instance {
  id: string;
  status: string;
  [field: string]: unknown;
}

export interface Deployment {
  id: string;
  m_id: string;
  m_name: string;
  status: string;
  lb_port?: number | null;
  access_path?: string | null;
  engine_name?: string | null;
  instances?: Instance[];
  [field: string]: unknown;
}

/** A running deployment with the OpenAI-compatible endpoint to call. */
export interface ActiveDeployment {
  id: string;
  m_id: string;
  m_name: string;
  status: string;
  lb_port: number | null;
  endpoint: string;
  instance_count: number;
  engine_name: string | null;
}

export class ServingService {
  constructor(private readonly client: KamiwazaClient) {}

  /** Every deployment, or those of one model. */
  listDeployments(modelId?: string): Promise<Deployment[]> {
    return this.client.get<Deployment[]>("/serving/deployments", { params: { model_id: modelId } });
  }

  getDeployment(id: string): Promise<Deployment> {
    return this.client.get<Deployment>(`/serving/deployment/${encodeURIComponent(id)}`);
  }

  /**
   * Deployments with status `DEPLOYED` and at least one `DEPLOYED`
   * instance. The endpoint is the public origin plus `access_path` and
   * `/v1` when the deployment is routed by path, else the public host with
   * the deployment's load-balancer port and `/v1`.
   */
  async listActiveDeployments(): Promise<ActiveDeployment[]> {
    const deployments = await this.listDeployments();
    const publicUrl = new URL(this.client.publicApiUrl);
    return deployments
      .filter((deployment) => deployment.status === "DEPLOYED")
      .map((deployment) => ({
        deployment,
        running: (deployment.instances ?? []).filter((instance) => instance.status === "DEPLOYED"),
      }))
      .filter(({ running }) => running.length > 0)
      .map(({ deployment, running }) => ({
        id: deployment.id,
        m_id: deployment.m_id,
        m_name: deployment.m_name,
        status: deployment.status,
        lb_port: deployment.lb_port ?? null,
        endpoint: deployment.access_path
          ? `${publicUrl.origin}${deployment.access_path.replace(/\/+$/, "")}/v1`
          : `${publicUrl.protocol}//${publicUrl.hostname}:${deployment.lb_port}/v1`,
        instance_count: running.length,
        engine_name: deployment.engine_name ?? null,
      }));
  }
}
