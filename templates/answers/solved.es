Estimado/a cliente:

Consideramos que el problema «{{ticket.subject}}» ya está resuelto, por lo
que cerraremos la incidencia {{ticket.token}}. Si algo sigue sin funcionar,
responda a este mensaje y volveremos a ocuparnos de ello.
