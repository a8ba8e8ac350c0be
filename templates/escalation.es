Subject: Escalado: {{ticket.token}} {{ticket.subject}}

{{#if escalation.pending}}
En espera hasta el {{escalation.due}}; el plazo ha vencido y la incidencia vuelve a estar abierta.
{{/if}}
{{#if escalation.response}}
Sin primera respuesta en {{escalation.minutes}} minutos (plazo: {{escalation.due}}).
{{/if}}
{{#if escalation.resolution}}
Sin resolver en {{escalation.minutes}} minutos (plazo: {{escalation.due}}).
{{/if}}
Incidencia n.º {{ticket.id}}: {{ticket.subject}}
{{#if recipient.agent}}
Estado {{ticket.status}}, prioridad {{ticket.priority}}, cola {{ticket.queue}}, responsable {{ticket.owner}}
Solicitante {{ticket.requester}}
{{/if}}
{{#unless recipient.agent}}
Estado {{ticket.status}}, prioridad {{ticket.priority}}, cola {{ticket.queue}}
{{/unless}}

-- 
{{#if recipient.agent}}
Responda a este mensaje para contestar al solicitante de la incidencia n.º {{ticket.id}};
escriba a {{comment.address}} para añadir una nota interna.
{{/if}}
{{#unless recipient.agent}}
Responda a este mensaje para añadir información a la incidencia n.º {{ticket.id}}.
{{/unless}}
