Subject: Devolución: {{ticket.token}} {{ticket.subject}}

No se ha podido entregar su respuesta en esta incidencia; el cliente no la ha recibido.
Incidencia n.º {{ticket.id}}: {{ticket.subject}}
{{#if recipient.agent}}
Estado {{ticket.status}}, prioridad {{ticket.priority}}, cola {{ticket.queue}}, responsable {{ticket.owner}}
Solicitante {{ticket.requester}}
{{/if}}
{{#unless recipient.agent}}
Estado {{ticket.status}}, prioridad {{ticket.priority}}, cola {{ticket.queue}}
{{/unless}}

{{reason}}

-- 
{{#if recipient.agent}}
Responda a este mensaje para contestar al solicitante de la incidencia n.º {{ticket.id}};
escriba a {{comment.address}} para añadir una nota interna.
{{/if}}
{{#unless recipient.agent}}
Responda a este mensaje para añadir información a la incidencia n.º {{ticket.id}}.
{{/unless}}
