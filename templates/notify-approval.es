Subject: Aprobación: {{ticket.token}} {{ticket.subject}}

{{by}} solicita su aprobación en esta incidencia.
Incidencia n.º {{ticket.id}}: {{ticket.subject}}
{{#if recipient.agent}}
Estado {{ticket.status}}, prioridad {{ticket.priority}}, cola {{ticket.queue}}, responsable {{ticket.owner}}
Solicitante {{ticket.requester}}
{{/if}}
{{#unless recipient.agent}}
Estado {{ticket.status}}, prioridad {{ticket.priority}}, cola {{ticket.queue}}
{{/unless}}
{{#if note}}

{{note}}
{{/if}}

-- 
{{#if recipient.agent}}
Responda a este mensaje para contestar al solicitante de la incidencia n.º {{ticket.id}};
escriba a {{comment.address}} para añadir una nota interna.
{{/if}}
{{#unless recipient.agent}}
Responda a este mensaje para añadir información a la incidencia n.º {{ticket.id}}.
{{/unless}}
